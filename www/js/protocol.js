// Everything that crosses between the page (main thread) and its two workers: each message, its
// fields, the worker's states. Nothing else crosses. The training worker owns the wasm module and
// the training state; the page only sends commands and draws what comes back.
//
// Page → worker ({type, ...}):
//   images  {id, files, name, size, channels}   pause, and gather one's own images into the set that
//           dataset 'images' trains on: files [{path, blob}] (Files, or .zip files whose entries
//           count as files), name: what the set is called (the folder or zip), size 28 | 32 |
//           64, channels 1 | 3 | null (what the images are); id: the page's, echoed by the
//           answers. Answered by images-progress messages, then `images` or `images-failed`;
//           the page then sends `create` (for the latest it asked for).
//   create  {config, backend, dataset, checkpoint, fileName, weights}  new session; config is a partial
//           TrainConfig, backend 'auto' | 'webgpu' | 'cpu', dataset 'mnist' | 'fashion' |
//           'images' (the images gathered last; the model's image size and channels follow them);
//           checkpoint and weights are ArrayBuffers or null. A checkpoint (a file the user chose,
//           or the page's own copy) is read by its `format`: a checkpoint resumes, an export
//           starts a fresh run of config from its weights; weights (an export, e.g. a shipped
//           model) start a fresh run of config from its networks.
//   move    {backend}        pause, and move the run at its step to backend ('auto' is timed
//                            again); a refused move leaves it where it was (an error says why).
//   hold    {step}           the judge called the state of `step` the best so far: the session
//                            holds it, if it is still the last kept one, and answers `held`.
//   go-back {}               pause, and go back to the held state (after a collapse); it is kept
//                            and judged again, then 'ready'.
//   play    {target}         run until `target` steps in all, or until pause.
//   pause   {}               stop after the call in flight.
//   step    {}               one step while paused.
//   set     {gamma, lambda_k, lr, mode_seeking}   live hyperparameters; refused values leave the
//           run as it was.
//   save    {purpose}        reply with a `checkpoint` whose reason is `purpose`: only 'download'.
//   export  {}               reply with `weights`: the generator and discriminator alone.
//   lose-device {}           destroys the WebGPU device, as a driver reset would, to exercise the
//                            recovery (the page sends it only with ?debug=1).
//
// Worker → page ({type, ...}):
//   status  {state, message}     state (State below): 'loading' | 'ready' | 'running' | 'paused'
//                                | 'done' | 'failed' (no session: the page offers Reset);
//                                message: what to show.
//   images-progress {id, done, total, used, skipped}   gathering: files looked at of total, images
//                                kept and files skipped so far.
//   images  {id, report}         gathered: report is {dataset: 'images', name, images, size,
//                                channels, skipped: [{file, why}]} (Rust's Dataset.report).
//   images-failed {id, name, message}   nothing usable (e.g. fewer than 16 images): the set before,
//                                if any, stays.
//   ready   {backend, threads, reason, config, step, k, parses, keep_every, data, data_change}   a session exists (after
//                                create, a move or a recovery): backend 'webgpu' | 'cpu', threads:
//                                the CPU backend's (1, or the threaded build's pool), reason:
//                                why it runs there, config: its whole TrainConfig, k: k_t; parses:
//                                datasets the worker has parsed (one per dataset used: every
//                                session shares the parse; the page's ?debug=1 hook shows it);
//                                keep_every: Rust's steps between kept (and judged) states;
//                                data: the training set, {dataset, name?, images, size, channels}
//                                (the `images` report without its skipped list); data_change:
//                                when a checkpoint of another set was resumed, a sentence saying
//                                which set each is (else undefined).
//   stats   {stats, memory}      means over the last call: step, steps, loss_real, loss_fake,
//                                loss_d, loss_g, k, m_global, lr, epoch, ms_per_step; memory: the
//                                bytes of the worker's wasm memories, every build loaded (for the benchmarks).
//   picture {kind, width, height, channels, pixels}   kind 'samples' | 'reconstructions';
//                                pixels a Uint8Array.
//   checkpoint {bytes, step, reason, generator?}   a safetensors checkpoint: reason 'keep' (the
//                                last good state, at the start of a session and every keep_every
//                                steps, which the session also holds to go back to; generator: its
//                                sampled generator alone, for the quality worker to judge) or the
//                                purpose of a `save` ('download').
//   held    {step}               the session holds the state of `step`; `go-back` returns to it.
//   weights {bytes, step}        the safetensors export asked for by `export`.
//   error   {name, message, recovered?, fatal?}   name is the Rust error kind (InvalidConfig,
//                                BadData, BadCheckpoint, Diverged, DeviceError, Busy), 'Crashed'
//                                (the wasm module trapped), 'ProtocolError' or the JS error's;
//                                recovered (a string or null) says what the worker did about it (a
//                                diverged run or a lost device goes back to the session's last
//                                kept state, the latter on the CPU); fatal: the worker is
//                                unusable; the page starts a new one from its crash copy, the last
//                                kept checkpoint.
//
// Page → quality worker (quality-worker.js, which judges generators with a classifier, on the CPU):
//   judge   {run, step, dataset, weights}   judge the generator in these bytes (a kept state's
//                                generator); run tells the page's runs apart; while one is being
//                                judged only the latest request waits, older ones are dropped.
//                                (The Compare view, compare.html, races two runs: each has its
//                                own training worker and its own quality worker; compare-judge.js
//                                says why.)
// Quality worker → page:
//   quality {run, step, quality, classifier, best}   quality: {n, histogram, coverage,
//                                kl_uniform, frechet} (as `began eval`, on Rust's number of samples
//                                and seed); classifier: {dataset, test_accuracy}; best: whether it
//                                is the run's best judged state so far (Rust's quality::Best).
//   quality-unavailable {run, step, message}   no judge for this dataset, or these bytes failed.

export const ToWorker = Object.freeze({
  IMAGES: 'images',
  CREATE: 'create',
  MOVE: 'move',
  HOLD: 'hold',
  GO_BACK: 'go-back',
  PLAY: 'play',
  PAUSE: 'pause',
  STEP: 'step',
  SET: 'set',
  SAVE: 'save',
  EXPORT: 'export',
  LOSE_DEVICE: 'lose-device',
});

export const ToJudge = Object.freeze({ JUDGE: 'judge' });
export const FromJudge = Object.freeze({ QUALITY: 'quality', UNAVAILABLE: 'quality-unavailable' });

/** The worker's states, as `status` says them (the page shows them in body[data-state]). */
export const State = Object.freeze({
  LOADING: 'loading',
  READY: 'ready',
  RUNNING: 'running',
  PAUSED: 'paused',
  DONE: 'done',
  FAILED: 'failed',
});

/** Why a `checkpoint` was sent: a kept state, or the purpose of a `save`. */
export const Reason = Object.freeze({ KEEP: 'keep', DOWNLOAD: 'download' });

export const FromWorker = Object.freeze({
  STATUS: 'status',
  IMAGES_PROGRESS: 'images-progress',
  IMAGES: 'images',
  IMAGES_FAILED: 'images-failed',
  READY: 'ready',
  STATS: 'stats',
  PICTURE: 'picture',
  CHECKPOINT: 'checkpoint',
  HELD: 'held',
  WEIGHTS: 'weights',
  ERROR: 'error',
});

/** Aim for calls into wasm of about this long: long enough to amortise, short enough to pause. */
export const CALL_MS = 150;
/** Pictures are read back from the device at most this often. */
export const DRAW_EVERY_MS = 700;
