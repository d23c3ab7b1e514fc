/**
 * Which bound holds the link back, from a run's own figures (issue 21): the arrival rate
 * (a packet every floor(1542·8 / Gb/s) ns), or the translation window — by Little's law,
 * translations in flight ÷ mean latency (queueing included). No Node APIs: the web page
 * uses it too.
 */
import { interArrivalNs } from '../config.js';
import { PACKET_BYTES, type ModelConfig } from '../parameters.js';

const TRANSLATIONS_PER_PACKET = 3;
const BITS_PER_TRANSLATION = (PACKET_BYTES * 8) / TRANSLATIONS_PER_PACKET;

export type LimiterId = 'window' | 'arrival';

export interface Limiter {
  id: LimiterId;
  /** One sentence with the numbers. */
  sentence: string;
  /** Offered rate: one packet per inter-arrival time. */
  arrivalGbps: number;
  interArrivalNs: number;
  /**
   * Most translations the window holds: a packet of 3 is admitted while fewer than tq are
   * in flight (spec, "The clock loop"), so up to tq + 2.
   */
  windowTranslations: number;
  /** Mean translation latency, queueing included (Little's law's W). */
  meanLatencyNs: number;
  /** What a full window carries at that latency: windowTranslations ÷ mean latency. */
  windowGbps: number;
  /** What the run achieved (whole packets over the simulated time). */
  achievedGbps: number;
  /** Packets refused because the window was full. */
  packetsDropped: number;
}

export interface LimiterFigures {
  meanLatencyNs: number;
  /** The run's throughput in Mb/s. */
  mbps: number;
  packetsDropped: number;
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const gbps = (x: number) => `${fmt(x, x < 10 ? 2 : 1)} Gb/s`;

/** The binding bound and the sentence that says so. */
export function findLimiter(config: ModelConfig, figures: LimiterFigures): Limiter {
  const ia = interArrivalNs(config.linkGbps);
  const arrivalGbps = (PACKET_BYTES * 8) / ia;
  const windowTranslations = config.tq + TRANSLATIONS_PER_PACKET - 1;
  const meanLatencyNs = figures.meanLatencyNs;
  const windowGbps = meanLatencyNs > 0 ? (windowTranslations * BITS_PER_TRANSLATION) / meanLatencyNs : Number.POSITIVE_INFINITY;
  const achievedGbps = figures.mbps / 1000;
  const admits =
    config.tq === 1
      ? `tq 1 admits one packet at a time (${windowTranslations} translations in flight)`
      : `tq ${config.tq} admits a packet while fewer than ${config.tq} translations are in flight, so up to ${windowTranslations}`;
  const latencyNs = fmt(meanLatencyNs, meanLatencyNs < 100 ? 1 : 0);
  const latency = `mean translation latency ${latencyNs} ns`;
  const atLatency = `at a mean translation latency of ${latencyNs} ns`;
  const achieved = `achieved ${gbps(achievedGbps)}`;
  // The window binds when a full window cannot carry the offered rate; it also binds at
  // times when it could on average but packets were still refused for a full window.
  const windowBinds = windowGbps < arrivalGbps || (figures.packetsDropped > 0 && achievedGbps < 0.97 * arrivalGbps);
  const base = { arrivalGbps, interArrivalNs: ia, windowTranslations, meanLatencyNs, windowGbps, achievedGbps, packetsDropped: figures.packetsDropped };
  if (windowBinds) {
    const sentence =
      windowGbps < arrivalGbps
        ? `the window binds: ${admits}; ${latency} → at most ${gbps(windowGbps)}, against ${gbps(arrivalGbps)} offered (${achieved})`
        : `the window binds at times: ${admits}; ${atLatency} a full window carries ${gbps(windowGbps)}, above the ${gbps(arrivalGbps)} offered, but slow stretches fill it: ${fmt(figures.packetsDropped)} packets refused (${achieved})`;
    return { id: 'window', sentence, ...base };
  }
  const sentence = `the arrival rate binds: a packet every ${ia} ns offers ${gbps(arrivalGbps)}, and the window keeps up: ${windowTranslations} translations in flight (tq ${config.tq}) ${atLatency} carry up to ${gbps(windowGbps)} (${achieved})`;
  return { id: 'arrival', sentence, ...base };
}
