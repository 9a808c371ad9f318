import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { barSpec, renderChart } from '../pipeline/render/charts.ts';
import { svgToPng, useBundledFonts } from '../pipeline/report/png.ts';

/** Columns of the image that hold any dark pixel: the ink's horizontal extent. */
async function inkColumns(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  let columns = 0;
  for (let x = 0; x < info.width; x++) {
    for (let y = 0; y < info.height; y++) {
      if (data[y * info.width + x]! < 128) {
        columns++;
        break;
      }
    }
  }
  return columns;
}

const textSvg = (text: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="5" y="28" font-family="system-ui, sans-serif" font-size="24">${text}</text></svg>`;

describe('PNG charts', () => {
  it('uses only the fonts the project brings', () => {
    const conf = useBundledFonts();
    expect(process.env.FONTCONFIG_FILE).toBe(conf);
  });

  it('draws real glyphs: narrow letters take less ink than wide ones (missing fonts draw equal boxes)', async () => {
    const narrow = await inkColumns(await svgToPng(textSvg('iiiiiiiiii'), 1));
    const wide = await inkColumns(await svgToPng(textSvg('MMMMMMMMMM'), 1));
    expect(narrow).toBeGreaterThan(0);
    expect(wide).toBeGreaterThan(narrow * 3);
  });

  it('renders the labels of the same Vega chart the site shows', async () => {
    const spec = barSpec([{ label: 'Equipe Norte', value: 0.2 }, { label: 'Equipe Sul', value: 0.1 }], { format: 'percent' });
    const svg = await renderChart(spec, { title: 'Taxa por equipe', description: 'teste' });
    const withText = await sharp(await svgToPng(svg)).raw().toBuffer();
    const withoutText = await sharp(await svgToPng(svg.replace(/<text[^>]*>[^<]*<\/text>/g, ''))).raw().toBuffer();
    expect(withText.length).toBe(withoutText.length);
    let differing = 0;
    for (let i = 0; i < withText.length; i++) if (withText[i] !== withoutText[i]) differing++;
    expect(differing).toBeGreaterThan(500);
  });
});
