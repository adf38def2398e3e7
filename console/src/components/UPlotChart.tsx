import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** A uPlot chart that follows its container's width. */
export function UPlotChart({ options, data, label }: { options: Omit<uPlot.Options, 'width'>; data: uPlot.AlignedData; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(240, Math.floor(el.clientWidth));
    plot.current = new uPlot({ ...options, width: width() }, data, el);
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: width(), height: options.height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [options, data]);
  return <div class="chart" ref={box} role="img" aria-label={label} />;
}
