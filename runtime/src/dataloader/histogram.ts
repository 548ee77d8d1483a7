/** A cumulative explicit-bucket histogram (OTLP semantics: bucket i counts values <= bounds[i]). */
export class Histogram {
  readonly bucketCounts: number[];
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(readonly bounds: readonly number[]) {
    this.bucketCounts = new Array<number>(bounds.length + 1).fill(0);
  }

  record(v: number): void {
    let i = 0;
    while (i < this.bounds.length && v > this.bounds[i]) i++;
    this.bucketCounts[i]++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
}
