/**
 * The plan's charts, drawn with ECharts on the server into SVG text that pages embed inline (no
 * client script). ECharts escapes every text it writes, so names typed by people stay text.
 */
import * as echarts from 'echarts';
import { formatYuan } from '../core/money.js';

export interface ChartItem {
  label: string;
  fen: number;
}

const FONT = '-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif';

function render(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, aria: { enabled: true }, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** A bar per item (e.g. per funding source), each labelled with its amount in yuan. */
export function barChartSvg(title: string, items: readonly ChartItem[], width = 640, height = 320): string {
  return render(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
      grid: { left: 90, right: 20, top: 50, bottom: 40 },
      xAxis: { type: 'category', data: items.map((i) => i.label), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `¥${v.toLocaleString('en-US')}` } },
      series: [{
        type: 'bar',
        name: title,
        data: items.map((i) => i.fen / 100),
        itemStyle: { color: '#b03a2e' },
        label: { show: true, position: 'top', formatter: (p: { dataIndex: number }) => formatYuan(items[p.dataIndex].fen) },
      }],
    },
    width,
    height,
  );
}

/** A pie of the items (e.g. per category), each slice labelled with its name and amount in yuan. */
export function pieChartSvg(title: string, items: readonly ChartItem[], width = 640, height = 320): string {
  return render(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
      series: [{
        type: 'pie',
        name: title,
        radius: ['30%', '60%'],
        center: ['50%', '55%'],
        data: items.map((i) => ({ name: i.label, value: i.fen / 100 })),
        label: { show: true, formatter: (p: { dataIndex: number }) => `${items[p.dataIndex].label}\n${formatYuan(items[p.dataIndex].fen)}` },
      }],
    },
    width,
    height,
  );
}

/** A bar per item with a count (e.g. people per category), each labelled with its count and unit. */
export function countBarChartSvg(title: string, items: readonly { label: string; count: number }[], unit: string, width = 640, height = 320): string {
  return render(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
      grid: { left: 60, right: 20, top: 50, bottom: 40 },
      xAxis: { type: 'category', data: items.map((i) => i.label), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{
        type: 'bar',
        name: title,
        data: items.map((i) => i.count),
        itemStyle: { color: '#2e6db0' },
        label: { show: true, position: 'top', formatter: (p: { dataIndex: number }) => `${items[p.dataIndex].count} ${unit}` },
      }],
    },
    width,
    height,
  );
}

/** Grouped bars of percentages per item (e.g. callback rates per unit); an item without a rate has no bar. */
export function rateBarChartSvg(title: string, labels: readonly string[], series: readonly { name: string; percent: (number | null)[] }[], width = 640, height = 320): string {
  return render(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
      legend: { top: 26 },
      grid: { left: 60, right: 20, top: 60, bottom: 40 },
      xAxis: { type: 'category', data: [...labels], axisLabel: { interval: 0 } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: series.map((s, i) => ({
        type: 'bar',
        name: s.name,
        data: s.percent.map((p) => (p === null ? '-' : p)),
        itemStyle: { color: ['#b03a2e', '#2e8b57'][i % 2] },
        label: { show: true, position: 'top', formatter: '{c}%' },
      })),
    },
    width,
    height,
  );
}
