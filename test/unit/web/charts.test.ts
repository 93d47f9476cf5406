import { describe, expect, it } from 'vitest';
import { barChartSvg, pieChartSvg } from '../../../functions/web/charts.js';

describe('server-side ECharts SVG', () => {
  it('draws a bar per funding source, labelled with its name and exact amount', () => {
    const svg = barChartSvg('各资金来源合计（元）', [{ label: '区级', fen: 6_000_001 }, { label: '街镇配套', fen: 4_000_000 }]);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['各资金来源合计（元）', '区级', '街镇配套', '¥60,000.01', '¥40,000.00']) expect(svg).toContain(`>${text}<`);
  });

  it('draws a pie slice per category with its name and amount, escaping what people typed', () => {
    const svg = pieChartSvg('各帮困类别合计（元）', [{ label: '低保家庭', fen: 12_345 }, { label: '<b>困难</b>', fen: 100 }]);
    expect(svg).toContain('低保家庭');
    expect(svg).toContain('¥123.45');
    expect(svg).toContain('&lt;b&gt;困难&lt;/b&gt;');
    expect(svg).not.toContain('<b>');
  });
});
