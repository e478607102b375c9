// Type declarations for modelparity: the same API from its Node and browser entry points
// (openClassifier's source and the picture helpers differ, as noted).

/** A picture that cannot be read or prepared: message "<picture>: <reason>". */
export class PictureError extends Error {
  constructor(picture: string, reason: string);
  readonly picture: string;
  readonly reason: string;
}

/** An artifacts folder, manifest or model that cannot be used: message "<file>: <reason>". */
export class ArtifactError extends Error {
  constructor(file: string, reason: string);
  readonly file: string;
  readonly reason: string;
}

export interface LabelProbability {
  label: string;
  probability: number;
}

/** One picture's classification, as the Java library's Classification. */
export class Classification {
  readonly picture: string;
  /** The label the model gives the picture. */
  readonly label: string;
  /** The positive class's probability for one sigmoid unit, the label's for a softmax. */
  readonly probability: number;
  /** Every label's probability, in the model's order. */
  readonly probabilities: LabelProbability[];
  /** The k most probable labels, most probable first (equals in label order, NaN last). */
  top(k: number): LabelProbability[];
  /** The Java CLI's --json object; with k > 0 also "top". Non-finite probabilities are null. */
  toJSON(k?: number): {
    path: string; label: string; probability: number | null;
    probabilities: Record<string, number | null>;
    top?: { label: string; probability: number | null }[];
  };
}

export interface Recipe {
  color: 'grey' | 'rgb';
  channels: 1 | 3;
  doResize: boolean;
  size: { height: number | null; width: number | null; shortestEdge: number | null } | null;
  resample: 2 | 3;
  doCenterCrop: boolean;
  cropSize: { height: number; width: number; shortestEdge: null } | null;
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  imageMean: number[];
  imageStd: number[];
  /** The faithful route (reducing_gap null): Pillow's convert and 8-bit resize, as Hugging Face. */
  faithful: boolean;
  /** The fast route may decode a large JPEG reduced (false when faithful). */
  draft: boolean;
  maxPixels: number;
  reduceTo: number;
  jpegDcScale: number;
  /** The scales a large JPEG may be decoded at (8, 4, 2: 1/8, 1/4, 1/2), largest first. */
  draftScales: readonly number[];
}

export interface Manifest {
  height: number;
  width: number;
  channels: 1 | 3;
  labels: string[];
  /** Output units: 1 (a sigmoid, two labels) or the number of labels (a softmax). */
  classes: number;
  threshold: number | null;
  recipe: Recipe;
  inputName: string;
  outputName: string;
  artifacts: Record<string, { path: string; sha256: string }>;
}

/** Pictures per model call: python.predict's and the Java Classifier's batch. */
export const BATCH: 64;

export class Classifier {
  readonly manifest: Manifest;
  /** 'onnx' or 'onnx_int8'. */
  readonly format: string;
  /** The model file's path or URL. */
  readonly model: string;
  /** One picture's model input, float32 [height, width, channels], as Python prepares it. */
  prepare(bytes: Uint8Array, name: string): Promise<Float32Array>;
  /** The model's output for n prepared inputs, row-major [n, classes]. */
  run(inputs: Float32Array, n: number): Promise<Float32Array>;
  classifyInputs(inputs: Float32Array, names: string[]): Promise<Classification[]>;
  /** Each picture's classification, or its PictureError in its place. */
  classify(pictures: { name: string; bytes: Uint8Array }[]): Promise<(Classification | PictureError)[]>;
  close(): Promise<void>;
}

export interface OpenOptions {
  format?: 'onnx' | 'onnx_int8';
  /** Node: ONNX Runtime session options (default one intra-op thread). */
  sessionOptions?: Record<string, unknown>;
  /** Browser: where onnxruntime-web's .wasm files are served. */
  wasmPaths?: string;
  /** Browser: WebAssembly threads (default 1: no cross-origin isolation needed). */
  threads?: number;
}

/**
 * Open the model in an artifacts folder: the manifest checked, the model's sha256 checked,
 * an ONNX Runtime session started. Node: a folder path. Browser: a folder URL, or the files
 * of a picked folder.
 */
export function openClassifier(source: string | URL | Iterable<File>, options?: OpenOptions): Promise<Classifier>;

/** Node: classify picture files, BATCH at a time. */
export function classifyFiles(classifier: Classifier, files: string[]): AsyncGenerator<Classification | PictureError>;

/** Browser: classify picked or dropped pictures. */
export function classifyPictures(classifier: Classifier,
  pictures: (File | { name: string; bytes: Uint8Array })[]): Promise<(Classification | PictureError)[]>;

/** A probability with six decimals, as Python's f"{p:.6f}" writes it (ties to even). */
export function sixDecimals(value: number): string;

/** python.predict's output line: path, label, probability, then top K label:probability. */
export function outputLine(picture: string, c: Classification, top?: number): string;
