/**
 * @module logic/jobs/platforms
 * DIRAC's `getDIRACPlatform`: the DIRAC platforms compatible with the operating systems a job
 * asks for, from `Resources.Computing.OSCompatibility`, highest version first.
 */
import { InvalidInputError } from '../../core/errors.ts';

/** Loose version key (digits zero-padded), as DIRAC's `_platformSortKey`. */
function sortKey(version: string): string[] {
  const parts: string[] = [];
  for (const part of version.toLowerCase().split(/(\d+|[a-z]+|\.| -)/)) {
    if (!part || part === '.') continue;
    if (/^\d/.test(part)) parts.push(part.padStart(8, '0'));
    else {
      while (parts.length > 0 && parts[parts.length - 1] === '00000000') parts.pop();
      parts.push(`*${part}`);
    }
  }
  return parts;
}

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? ''; // both in range: i < the shorter length
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** The platforms compatible with any of `requested`, best first; throws when none is. */
export function compatiblePlatforms(requested: readonly string[], osCompatibility: Record<string, string[]>): string[] {
  if (Object.keys(osCompatibility).length === 0) throw new InvalidInputError('OS compatibility info not found');
  const platforms = new Set<string>();
  for (const [platform, systems] of Object.entries(osCompatibility)) {
    if (requested.some((os) => systems.includes(os))) platforms.add(platform);
  }
  if (platforms.size === 0)
    throw new InvalidInputError(`No compatible DIRAC platform found for ${requested.join(',')}`);
  return [...platforms].sort((a, b) => compareKeys(sortKey(b), sortKey(a)));
}
