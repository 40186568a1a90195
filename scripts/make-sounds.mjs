// Writes the two short notification sounds shipped in the package (sounds/success.wav, sounds/failure.wav):
// 16-bit mono PCM WAV at 22,050 Hz, a few sine tones each with a soft attack and decay. Run it again only to
// change the sounds: `node scripts/make-sounds.mjs`, then commit the files.
import { Buffer } from 'node:buffer';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RATE = 22050;

function tones(notes) {
  const samples = [];
  for (const [frequency, seconds] of notes) {
    const count = Math.round(RATE * seconds);
    for (let i = 0; i < count; i++) {
      const t = i / RATE;
      const envelope = Math.min(1, i / (RATE * 0.01)) * Math.exp((-3 * i) / count);
      samples.push(Math.round(0.35 * 32767 * envelope * Math.sin(2 * Math.PI * frequency * t)));
    }
  }
  return samples;
}

function wav(samples) {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // PCM format chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'sounds');
mkdirSync(root, { recursive: true });
// Rising major third, then the fifth: done. Falling minor second, low: failed.
writeFileSync(
  join(root, 'success.wav'),
  wav(
    tones([
      [660, 0.12],
      [880, 0.22],
    ]),
  ),
);
writeFileSync(
  join(root, 'failure.wav'),
  wav(
    tones([
      [440, 0.16],
      [415, 0.16],
      [330, 0.3],
    ]),
  ),
);
