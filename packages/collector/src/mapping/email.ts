/**
 * The one email rule: a local part of 1-64 characters, an "@", a host with at least
 * one dot and a last label of 2-63 characters, no spaces. Deliberately loose beyond
 * that (RFC 5322 allows far more than any mailbox in use); 254 characters at most.
 */
const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{2,63}$/;

export const maxEmailLength = 254;

export function isEmailAddress(text: string): boolean {
  return text.length <= maxEmailLength && emailPattern.test(text);
}
