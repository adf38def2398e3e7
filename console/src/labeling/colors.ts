import type { LabelSetItem } from '../api/types.ts';

const PALETTE = ['#fdd835', '#81d4fa', '#a5d6a7', '#f48fb1', '#ffcc80', '#ce93d8', '#80cbc4', '#e6ee9c', '#bcaaa4'];

/** The highlight colour of a label set item: its own colour, else one of a fixed palette by position. */
export function colorOf(item: LabelSetItem | undefined, index: number): string {
  return item?.color || PALETTE[index % PALETTE.length]!;
}
