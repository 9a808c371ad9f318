import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * PNG charts for email clients (which strip inline SVG), rasterised by sharp (librsvg) from the
 * very SVG the site shows. librsvg finds fonts through fontconfig, so the project brings its own:
 * DejaVu from the `dejavu-fonts-ttf` package, behind a fonts.conf that names no system folder.
 * A machine without a single font installed still draws every label.
 */

const FONT_DIR = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/** Writes the fonts.conf (once per process) and points fontconfig at it; must run before sharp draws text. */
export function useBundledFonts(): string {
  const conf = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${FONT_DIR}</dir>
  <cachedir>${join(tmpdir(), 'rechamadas-fontconfig', 'cache')}</cachedir>
  <alias><family>system-ui</family><prefer><family>DejaVu Sans</family></prefer></alias>
  <alias><family>sans-serif</family><prefer><family>DejaVu Sans</family></prefer></alias>
</fontconfig>
`;
  const path = join(tmpdir(), 'rechamadas-fontconfig', `fonts-${createHash('sha256').update(conf).digest('hex').slice(0, 10)}.conf`);
  if (process.env.FONTCONFIG_FILE !== path) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, conf);
    process.env.FONTCONFIG_FILE = path;
  }
  return path;
}

/** A chart's SVG as a PNG at `scale` (2: sharp on high-density screens), on white (mail clients vary). */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  useBundledFonts();
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(svg), { density: 72 * scale }).flatten({ background: '#ffffff' }).png().toBuffer();
}
