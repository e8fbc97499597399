// Time series with uPlot (loaded by the page as a plain script): CPU, memory and process
// counts against time.
import { useEffect, useRef } from 'preact/hooks';

export interface PlotSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
  /** Which axis: `left` (percent, counts) or `right` (bytes). */
  readonly scale: 'left' | 'right';
}

export interface PlotProps {
  readonly ts: readonly number[];
  readonly series: readonly PlotSeries[];
  readonly leftLabel: string;
  readonly rightLabel: string;
  readonly height?: number;
  readonly testId?: string;
}

const bytes = (value: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
};

export function Plot(props: PlotProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = props.series.map((s) => `${s.label}/${s.scale}`).join(',');

  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const options: uPlot.Options = {
      width: Math.max(300, element.clientWidth),
      height: props.height ?? 220,
      scales: { x: { time: true }, left: {}, right: {} },
      axes: [
        {},
        { scale: 'left', label: props.leftLabel },
        { scale: 'right', side: 1, label: props.rightLabel, values: (_u, ticks) => ticks.map(bytes), grid: { show: false } },
      ],
      series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, scale: s.scale, points: { show: false } }))],
    };
    const made = new uPlot(options, [[...props.ts], ...props.series.map((s) => [...s.values])] as uPlot.AlignedData, element);
    plot.current = made;
    const observer = new ResizeObserver(() => made.setSize({ width: Math.max(300, element.clientWidth), height: props.height ?? 220 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      made.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData([[...props.ts], ...props.series.map((s) => [...s.values])] as uPlot.AlignedData);
  }, [props.ts, props.series]);

  return <div class="plot" ref={box} data-testid={props.testId} data-points={props.ts.length} />;
}
