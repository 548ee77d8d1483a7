/** Names of the dataloader metrics podtail exports as OTLP histograms. */
export const DATALOADER_METRICS = {
  /** Seconds an iteration waited for its batch (`data_time_s`). */
  dataTime: 'training.dataloader.data_time',
  /** Seconds of a whole iteration (`iter_time_s`). */
  iterTime: 'training.iteration.time',
  /** Per iteration, data_time / iter_time (unit 1): above ~0.3 the job is input-bound. */
  ratio: 'training.dataloader.data_time_ratio',
} as const;
