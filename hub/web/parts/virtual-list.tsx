// A list that renders only the rows in view, so 100,000 tree rows or a million log lines cost
// what a screenful costs. Rows have one fixed height. Browsers cap an element's height (about
// 33 million pixels in Chromium), so past MAX_PX the scroll range is scaled: the scrollbar
// still spans every row and the end is still reachable.
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface VirtualListProps {
  readonly count: number;
  readonly rowHeight: number;
  readonly row: (index: number) => ComponentChildren;
  /** Told the rows in view (after each scroll), so missing ones can be fetched. */
  readonly onRange?: (first: number, last: number) => void;
  /** Told whether the list is scrolled to its end (follow mode). */
  readonly onAtEnd?: (atEnd: boolean) => void;
  /** Keep the last row in view as rows are added. */
  readonly stickToEnd?: boolean;
  /** Scroll so this row is in the middle, once per change of the value. */
  readonly scrollTo?: number | null;
  readonly class?: string;
}

const OVERSCAN = 8;
const MAX_PX = 10_000_000;

export function VirtualList(props: VirtualListProps) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const { count, rowHeight } = props;
  const totalPx = count * rowHeight;
  const spacePx = Math.min(totalPx, MAX_PX);
  // How many virtual pixels one real scrolled pixel stands for.
  const ratio = spacePx > height && totalPx > spacePx ? (totalPx - height) / (spacePx - height) : 1;
  const virtualTop = scrollTop * ratio;

  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    setHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = box.current;
    if (element !== null && props.stickToEnd === true) {
      element.scrollTop = element.scrollHeight;
      setScrollTop(element.scrollTop);
    }
  }, [count, props.stickToEnd, height]);

  useLayoutEffect(() => {
    const element = box.current;
    if (element === null || props.scrollTo === null || props.scrollTo === undefined) return;
    element.scrollTop = Math.max(0, (props.scrollTo * rowHeight - element.clientHeight / 2) / ratio);
    setScrollTop(element.scrollTop);
  }, [props.scrollTo]);

  const first = Math.max(0, Math.floor(virtualTop / rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.ceil((virtualTop + height) / rowHeight) + OVERSCAN);
  useEffect(() => props.onRange?.(first, last), [first, last, count]);

  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div class="vrow" key={i} style={{ top: `${scrollTop + i * rowHeight - virtualTop}px`, height: `${rowHeight}px` }} data-index={i}>
        {props.row(i)}
      </div>,
    );
  }
  return (
    <div
      class={`vlist ${props.class ?? ''}`}
      ref={box}
      onScroll={(event) => {
        const element = event.currentTarget;
        setScrollTop(element.scrollTop);
        props.onAtEnd?.(element.scrollTop + element.clientHeight >= element.scrollHeight - 2);
      }}
    >
      <div class="vspace" style={{ height: `${spacePx}px` }}>
        {rows}
      </div>
    </div>
  );
}
