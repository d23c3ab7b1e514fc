/**
 * Where each NIC goes on the guest's PCI topology and the QEMU command line that puts it
 * there. Up to 24 NICs sit flat on pcie.0 (slots 3…). Beyond that, e1000/e1000e stay on
 * pcie.0 and virtio-net goes behind pcie-root-ports (multifunction, 8 per slot): I/O-BAR
 * devices behind root ports exhaust the firmware's I/O windows (see the notes).
 */
import { InputError } from '../core/errors.js';
import { NIC_MODELS, type NicModel } from '../core/manifest.js';

export const MAX_FLAT_NICS = 24;
export const MAX_NICS = 64;
/** Nested mode: L2 VMs (one NIC each) per L1 guest; they run one after another (collect.ts). */
export const NESTED_MAX_NICS = 16;
const FIRST_SLOT = 3;
const LAST_SLOT = 31;

export interface NicPlacement {
  /** 1-based NIC number; also encoded in the MAC and the subnet 10.0.<index>.0/24 */
  index: number;
  model: NicModel;
  mac: string;
  /** pcie.0 slot of the NIC itself, or of its root port */
  busSlot: number;
  /** root-port function on busSlot, when the NIC sits behind a root port */
  rootPortFunction: number | null;
}

export function isNicModel(name: string): name is NicModel {
  return (NIC_MODELS as readonly string[]).includes(name);
}

export function macForNic(index: number): string {
  const hi = (index >> 8) & 0xff;
  const lo = index & 0xff;
  return `52:54:00:12:${hi.toString(16).padStart(2, '0')}:${lo.toString(16).padStart(2, '0')}`;
}

/** NIC i gets models[i mod models.length]; placement follows the layout rules above. */
export function planNics(count: number, models: readonly NicModel[]): NicPlacement[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_NICS) {
    throw new InputError(`--nics: must be an integer from 1 to ${MAX_NICS}, got ${count}`);
  }
  if (models.length === 0) throw new InputError('--nic-models: empty list');
  const chosen = Array.from({ length: count }, (_, i) => models[i % models.length] as NicModel);
  const placements: NicPlacement[] = [];
  if (count <= MAX_FLAT_NICS) {
    chosen.forEach((model, i) => placements.push({ index: i + 1, model, mac: macForNic(i + 1), busSlot: FIRST_SLOT + i, rootPortFunction: null }));
    return placements;
  }
  const flatCount = chosen.filter((m) => m !== 'virtio').length;
  const behindPorts = count - flatCount;
  const portSlots = Math.ceil(behindPorts / 8);
  if (flatCount + portSlots > LAST_SLOT - FIRST_SLOT + 1 || flatCount > MAX_FLAT_NICS) {
    throw new InputError(
      `--nics ${count}: beyond ${MAX_FLAT_NICS} NICs only virtio NICs go behind root ports and ${flatCount} e1000/e1000e do not fit on pcie.0; use more virtio in --nic-models`,
    );
  }
  let nextFlatSlot = FIRST_SLOT;
  let portNumber = 0;
  chosen.forEach((model, i) => {
    if (model !== 'virtio') {
      placements.push({ index: i + 1, model, mac: macForNic(i + 1), busSlot: nextFlatSlot++, rootPortFunction: null });
    } else {
      placements.push({ index: i + 1, model, mac: macForNic(i + 1), busSlot: -1, rootPortFunction: portNumber++ });
    }
  });
  // Root ports take the slots after the flat NICs, 8 functions each.
  for (const p of placements) {
    if (p.rootPortFunction !== null) {
      const port = p.rootPortFunction;
      p.busSlot = nextFlatSlot + Math.floor(port / 8);
      p.rootPortFunction = port % 8;
    }
  }
  return placements;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** -netdev/-device arguments for the NICs (one user-mode netdev per NIC, own subnet). */
export function nicArguments(placements: readonly NicPlacement[]): string[] {
  const args: string[] = [];
  let chassis = 1;
  for (const p of placements) {
    const id = `n${p.index}`;
    args.push('-netdev', `user,id=${id},net=10.0.${p.index}.0/24,host=10.0.${p.index}.2,dhcpstart=10.0.${p.index}.15`);
    let bus = `bus=pcie.0,addr=${hex(p.busSlot)}`;
    if (p.rootPortFunction !== null) {
      const portId = `rp${p.index}`;
      const multifunction = p.rootPortFunction === 0 ? ',multifunction=on' : '';
      args.push('-device', `pcie-root-port,id=${portId},bus=pcie.0,addr=${hex(p.busSlot)}.${p.rootPortFunction}${multifunction},chassis=${chassis},port=${chassis}`);
      chassis++;
      bus = `bus=${portId},addr=0x0`;
    }
    // romfile= skips the option ROMs: we boot with -kernel and they only cost time.
    const common = `netdev=${id},mac=${p.mac},${bus},romfile=`;
    switch (p.model) {
      case 'e1000':
        args.push('-device', `e1000,${common}`);
        break;
      case 'e1000e':
        args.push('-device', `e1000e,${common}`);
        break;
      case 'virtio':
        args.push('-device', `virtio-net-pci,disable-legacy=on,iommu_platform=on,${common}`);
        break;
    }
  }
  return args;
}

/** PCI source id of a device, from its guest sysfs address "0000:BB:SS.F". */
export function sidFromBdf(bdf: string): { sid: number; bus: number; slot: number; fn: number } | null {
  const m = /^(?:[0-9a-f]{4}:)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(bdf);
  if (m === null) return null;
  const bus = parseInt(m[1] ?? '0', 16);
  const slot = parseInt(m[2] ?? '0', 16);
  const fn = parseInt(m[3] ?? '0', 16);
  return { sid: (bus << 8) | (slot << 3) | fn, bus, slot, fn };
}
