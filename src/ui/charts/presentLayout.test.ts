import { describe, expect, it } from 'vitest';
import { scaleLayout } from './presentLayout';

describe('scaleLayout', () => {
  it('scales font sizes and margins by hand-computed factors and leaves the rest alone', () => {
    const layout = {
      height: 300,
      font: { family: 'system-ui', size: 12 },
      title: { text: 'tempo', font: { size: 13 } },
      xaxis: { tickfont: { size: 9 }, tickangle: -40, range: [0, 10] },
      legend: { orientation: 'h', y: -0.18, font: { size: 10 } },
      margin: { l: 60, r: 20, t: 30, b: 50 },
    };
    const before = JSON.stringify(layout);
    const out = scaleLayout(layout, { fontScale: 2, marginScale: 1.5 });
    // 12·2 = 24, 13·2 = 26, 9·2 = 18, 10·2 = 20; margins 60·1.5 = 90, 20·1.5 = 30, 30·1.5 = 45, 50·1.5 = 75.
    expect(out).toEqual({
      height: 300,
      font: { family: 'system-ui', size: 24 },
      title: { text: 'tempo', font: { size: 26 } },
      xaxis: { tickfont: { size: 18 }, tickangle: -40, range: [0, 10] },
      legend: { orientation: 'h', y: -0.18, font: { size: 20 } },
      margin: { l: 90, r: 30, t: 45, b: 75 },
    });
    expect(JSON.stringify(layout)).toBe(before);
  });

  it('rounds to whole pixels and does not touch a size outside a font (marker sizes stay)', () => {
    const out = scaleLayout({ font: { size: 11 }, shapes: { size: 7 }, yaxis: { title: { font: { size: 7 } } } }, { fontScale: 1.8, marginScale: 1 });
    // 11·1.8 = 19.8 → 20; 7·1.8 = 12.6 → 13.
    expect(out).toEqual({ font: { size: 20 }, shapes: { size: 7 }, yaxis: { title: { font: { size: 13 } } } });
  });
});
