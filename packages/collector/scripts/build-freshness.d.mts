/** The builds under root (a checkout) that are missing or older than their sources, each with why. */
export function staleBuilds(root: string): { name: 'collector' | 'tracker'; reason: string }[];
