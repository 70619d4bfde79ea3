/**
 * How a read's answer crosses from the read thread: as JSON text when it is made of
 * nothing JSON cannot carry, otherwise by structured clone. A hundred rows cost the
 * read thread far more to clone than to stringify, and the thread that answers beacons
 * parses the text faster than it rebuilds a clone.
 */

/** Whether JSON.parse(JSON.stringify(value)) gives back an equal value: plain objects and arrays of strings, finite numbers, booleans and null. */
export function isJsonSafe(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (Array.isArray(value)) {
        for (const item of value) if (!isJsonSafe(item)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) if (!isJsonSafe((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}
