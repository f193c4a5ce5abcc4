/**
 * Finds secrets in everything a run wrote: every file under the given folders, the archive embedded in an HTML
 * report, and any text passed in (the console). A hit names the file and shows the line with the secret masked.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedArchive } from './zip.js';

export interface Leak {
  where: string;
  needle: string;
  context: string;
}

function* files(dir: string): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

function scanText(where: string, text: string, needles: string[], leaks: Leak[]): void {
  for (const needle of needles) {
    let at = text.indexOf(needle);
    while (at >= 0) {
      const context = text.slice(Math.max(0, at - 60), at + needle.length + 20).split(needle).join('<SECRET>').replace(/\s+/g, ' ');
      leaks.push({ where, needle: `${needle.slice(0, 4)}…`, context });
      at = text.indexOf(needle, at + needle.length);
    }
  }
}

/**
 * The spellings of `needle` inside any base64 text (JSON reports keep attachment bodies so): one per alignment,
 * each the characters that depend on the needle's bytes alone.
 */
export function base64Forms(needle: string): string[] {
  const bytes = Buffer.from(needle);
  return [0, 1, 2].map((k) => {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    return enc.slice([0, 2, 3][k], Math.floor((k + bytes.length) / 3) * 4);
  });
}

/** `needles`: exact secrets and recognisable prefixes of issued tokens (each at least 12 characters). */
export function scan(folders: string[], secrets: string[], extra: Record<string, string> = {}): { files: number; leaks: Leak[] } {
  const needles = [...secrets, ...secrets.flatMap(base64Forms).filter((f) => f.length >= 12)];
  const leaks: Leak[] = [];
  let count = 0;
  for (const folder of folders) {
    for (const path of files(folder)) {
      count++;
      const buf = readFileSync(path);
      const text = buf.toString('utf8');
      scanText(path, text, needles, leaks);
      // Attachments and archives may be base64 or zipped: look inside what a report viewer would decode.
      if (path.endsWith('.html')) {
        for (const [name, data] of embeddedArchive(text) ?? []) {
          count++;
          scanText(`${path} → ${name}`, data.toString('utf8'), needles, leaks);
        }
      }
    }
  }
  for (const [where, text] of Object.entries(extra)) scanText(where, text, needles, leaks);
  return { files: count, leaks };
}
