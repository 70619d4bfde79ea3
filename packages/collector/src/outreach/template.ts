/**
 * Draft templates: plain text with {{placeholder}} and {{placeholder|fallback}}. Pure.
 */

export const placeholders = ['firstName', 'lastName', 'jobTitle', 'companyName', 'pages', 'intent', 'senderName', 'siteName'] as const;
export type Placeholder = (typeof placeholders)[number];
export type TemplateValues = Record<Placeholder, string | null>;

const known = new Set<string>(placeholders);
// A name of letters and digits, then an optional fallback up to the closing braces.
const token = /\{\{\s*([A-Za-z0-9_.-]*)\s*(?:\|([^{}]*))?\}\}/g;

/** The placeholders a template names that do not exist, each once, in order of appearance. */
export function unknownPlaceholders(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(token)) if (!known.has(m[1]!) && !out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

const blank = (value: string | null | undefined) => value === null || value === undefined || value.trim() === '';

/**
 * Renders a template line by line. A placeholder with a value becomes it; an empty one takes
 * its fallback. A line with an empty placeholder and no fallback is dropped whole, so no
 * draft reads "Hi ," or "Hi undefined". Runs of blank lines left by dropped lines become one,
 * and the text is trimmed of blank lines at both ends.
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  const lines: string[] = [];
  for (const line of template.replace(/\r\n?/g, '\n').split('\n')) {
    let dropped = false;
    const rendered = line.replace(token, (_all, name: string, fallback: string | undefined) => {
      const value = known.has(name) ? values[name as Placeholder] : null;
      if (!blank(value)) return value!.trim();
      // An explicit fallback, even an empty one ({{jobTitle|}}), keeps the line.
      if (fallback !== undefined) return fallback.trim();
      dropped = true;
      return '';
    });
    if (dropped) continue;
    lines.push(rendered.replace(/[ \t]+$/, ''));
  }
  const out: string[] = [];
  for (const line of lines) if (line !== '' || (out.length > 0 && out[out.length - 1] !== '')) out.push(line);
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}
