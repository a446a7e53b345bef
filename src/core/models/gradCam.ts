/**
 * Grad-CAM saliency (Selvaraju et al. 2017) for the spectrogram CNNs: "which time–frequency
 * regions pushed the answer towards this genre?" from two forward passes and one backward pass per
 * batch of crops, where occlusion (classifyAudio.ts) runs the model once per covered patch.
 * The backward pass runs through the layers after the maps only.
 *
 * For the network's last convolutional feature maps A (the last layer whose output is
 * [batch, h, w, channels]: the small VGG's last max-pool, 8 × 8 × 64 for a 128 × 128 crop) and
 * the class's logit y (the score before the softmax, as in the paper):
 *   α_k = mean over h, w of ∂y/∂A_k,   map = ReLU(Σ_k α_k·A_k),
 * each cell of the h × w map then covering its (bands / h) × (frames / w) block of the crop
 * (nearest-neighbour: the blocks show the map's real resolution).
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { saliencyOverCrops, type ClassifyInputs, type CropOcclusionOptions } from './classifyAudio';
import type { Network } from './network';

/** Index into `model.layers` of the last layer with a 4-D output (the last feature maps). */
export function lastFeatureMapLayer(net: Network): number {
  const layers = net.model.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const shape = layers[i]!.outputShape;
    if (Array.isArray(shape) && !Array.isArray(shape[0]) && shape.length === 4 && layers[i]!.getClassName() !== 'InputLayer') return i;
  }
  throw new LabError('bad-argument', `Grad-CAM needs a convolutional model; ${net.kind} has no layer with feature maps. Use occlusion instead.`);
}

/**
 * Grad-CAM maps of `crops` (n × bands × frames, band-major each, z-scored as the model reads
 * them) for output `classIndex`: n maps of bands × frames, band-major, ≥ 0, in logit units per
 * unit of activation (compare cells within a map, not across models). Inference mode (batch norm
 * with its moving statistics, no dropout), so each crop's map depends on that crop alone.
 */
export function gradCamMaps(net: Network, crops: Float32Array, nBands: number, nFrames: number, classIndex: number): Float32Array {
  const per = nBands * nFrames;
  if (crops.length === 0 || crops.length % per !== 0) throw new LabError('bad-argument', `Grad-CAM needs whole crops of ${nBands} × ${nFrames} values; got ${crops.length} values.`);
  if (!(Number.isInteger(classIndex) && classIndex >= 0 && classIndex < net.nClasses)) throw new LabError('bad-argument', `Class ${classIndex} is not one of the model's ${net.nClasses} outputs.`);
  const tap = lastFeatureMapLayer(net);
  const n = crops.length / per;
  return tf.tidy(() => {
    const x = tf.tensor4d(crops, [n, nBands, nFrames, 1]);
    // The feature maps A, then ∂y/∂A by differentiating with A as the argument: the layers
    // below the maps are not on the gradient's path, so no gradient is computed for them.
    let maps: tf.Tensor | undefined;
    net.forward(x, false, 0, (i, h) => {
      if (i === tap) maps = h;
      return h;
    });
    const score = (a: tf.Tensor): tf.Scalar => {
      const logits = net.forward(x, false, 0, (i, h) => (i === tap ? a : h));
      // Each crop's logit depends on that crop only: the sum's gradient is every crop's own.
      return tf.sum(tf.slice(logits, [0, classIndex], [n, 1]));
    };
    const grads = tf.grad(score)(maps as tf.Tensor);
    const [a, g] = [maps as tf.Tensor4D, grads as tf.Tensor4D];
    const alpha = tf.mean(g, [1, 2], true); // [n, 1, 1, k]
    const cam = tf.relu(tf.sum(tf.mul(a, alpha), 3, true)) as tf.Tensor4D; // [n, h, w, 1]
    return tf.image.resizeNearestNeighbor(cam, [nBands, nFrames]).dataSync() as Float32Array;
  });
}

/**
 * Grad-CAM of every crop of a spectrogram model's inputs for `classIndex`, laid out as
 * {@link saliencyOverCrops} lays occlusion out (one grid over the clip's frames). An ensemble's
 * members are averaged, map by map. One crop at a time, so progress and cancel work per crop.
 */
export function gradCamOverCrops(networks: readonly Network[], inputs: Pick<ClassifyInputs, 'x' | 'sampleShape'>, classIndex: number, o: Pick<CropOcclusionOptions, 'cancel' | 'onCrop'> = {}): Promise<Float32Array> {
  const [nBands, cropFrames] = inputs.sampleShape as [number, number];
  return saliencyOverCrops(
    inputs,
    async (crop) => {
      const sum = new Float32Array(nBands * cropFrames);
      for (const net of networks) gradCamMaps(net, Float32Array.from(crop), nBands, cropFrames, classIndex).forEach((v, i) => (sum[i]! += v / networks.length));
      return sum;
    },
    o,
  );
}
