// The one rule that turns an organisation name into a comparison key, used by the
// enterprise audit (audit-enterprises.mjs) and the helper that lists candidate AS
// names for a new entry. The resolver itself never compares organisation names (it
// matches the curated patterns and AS numbers), so this is the only normalisation.
//
//   "The Procter & Gamble Company"  -> "procter and gamble"
//   "SIEMENS AG"                    -> "siemens"
//   "Hyundai Motor Co., Ltd."       -> "hyundai motor"
//   "Société Générale S.A."         -> "societe generale"
//   "PT Bank Mandiri (Persero) Tbk" -> "bank mandiri"
//   "The Cigna Group"               -> "cigna"
//
// "Group", "Holding" and "Holdings" go with the legal forms: an entry named "Cigna Group"
// must see the AS named "CIGNA", and "Sabanci Holding" the AS of Sabanci University (to
// exclude it). The price is more namesakes to review ("Six Group" meets "Six Degrees").

// Legal forms, as token sequences after punctuation is collapsed ("S.A." -> "sa",
// "Co., Ltd." -> "co ltd", "A/S" -> "a s"). Stripped from the end, repeatedly, so
// "Co Ltd" and "Holdings Co., Ltd." lose both; longest first so "sa de cv" wins over "cv".
const SUFFIXES = [
  'gmbh and co kg',
  'gmbh and co kgaa',
  'sp z oo',
  'sa de cv',
  'sab de cv',
  's de rl de cv',
  'de cv',
  'co ltd',
  'pty ltd',
  'pte ltd',
  'pvt ltd',
  'private limited',
  'sdn bhd',
  'berhad',
  'bhd',
  'a s',
  'a g',
  's a',
  'n v',
  'b v',
  'ag and co kg',
  'co kg',
  'kgaa',
  'kg',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'llc',
  'llp',
  'lp',
  'plc',
  'ag',
  'se',
  'sa',
  'sas',
  'sasu',
  'nv',
  'bv',
  'ab',
  'publ',
  'asa',
  'as',
  'aps',
  'oy',
  'oyj',
  'spa',
  'srl',
  'sarl',
  'gmbh',
  'mbh',
  'kk',
  'ltda',
  'tbk',
  'persero',
  'jsc',
  'pjsc',
  'ojsc',
  'pao',
  'oao',
  'ooo',
  'tas',
  'sro',
  'zrt',
  'nyrt',
  'cv',
  'sca',
  'group',
  'holding',
  'holdings',
].map((s) => s.split(' '));
SUFFIXES.sort((a, b) => b.length - a.length);

// Leading words that say nothing about which organisation it is.
const PREFIXES = new Set(['the', 'pt', 'pjsc', 'jsc', 'ojsc', 'pao', 'oao', 'ooo', 'ao']);

const FOLD = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

function endsWith(tokens, suffix) {
  if (suffix.length >= tokens.length) return false; // never strip the whole name
  for (let i = 0; i < suffix.length; i++) if (tokens[tokens.length - suffix.length + i] !== suffix[i]) return false;
  return true;
}

/** The comparison key of an organisation name: accents folded, punctuation collapsed, leading "The" and legal forms stripped. */
export function orgNameKey(name) {
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    // Letters NFKD leaves whole.
    .replace(/[ßæœøłđðþı]/g, (c) => FOLD[c])
    .replace(/&/g, ' and ')
    // Dots and apostrophes join ("S.A." -> "sa", "McDonald's" -> "mcdonalds"); everything else separates.
    .replace(/[.'’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const tokens = folded ? folded.split(' ') : [];
  while (tokens.length > 1 && PREFIXES.has(tokens[0])) tokens.shift();
  for (let stripped = true; stripped;) {
    stripped = false;
    for (const s of SUFFIXES) {
      if (endsWith(tokens, s)) {
        tokens.length -= s.length;
        stripped = true;
        break;
      }
    }
  }
  return tokens.join(' ');
}

/** True when `key` equals `base` or begins with it followed by a word boundary. */
export function keyBeginsWith(key, base) {
  return base.length > 0 && (key === base || (key.startsWith(base) && key.charCodeAt(base.length) === 32));
}
