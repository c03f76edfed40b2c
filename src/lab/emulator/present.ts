import { formatIpv4, netmask, parseCidr } from './addresses.js';
import {
  findImage,
  findRegion,
  findSize,
  hourlyPrice,
  images,
  type RegionEntry,
  regions,
  sizeOffered,
  sizes,
} from './catalogue.js';
import type { EmulatorCore } from './core.js';
import type { StoredAction, StoredDroplet } from './types.js';

/** API shapes of the stored records, as the DigitalOcean spec describes them. */

const regionFeatures = ['backups', 'ipv6', 'metadata', 'install_agent', 'storage', 'image_transfer'];

export function presentRegion(region: RegionEntry) {
  return {
    name: region.name,
    slug: region.slug,
    features: regionFeatures,
    available: true,
    sizes: sizes.filter((size) => sizeOffered(size, region.slug)).map((size) => size.slug),
  };
}

export function presentSize(slug: string) {
  const size = findSize(slug);
  if (!size) throw new Error(`size ${slug} is missing from the lab catalogue`);
  return {
    slug: size.slug,
    memory: size.memory,
    vcpus: size.vcpus,
    disk: size.disk,
    transfer: size.transfer,
    price_monthly: size.priceMonthly,
    price_hourly: hourlyPrice(size),
    regions: regions.filter((region) => sizeOffered(size, region.slug)).map((region) => region.slug),
    available: true,
    description: size.description,
    disk_info: [{ type: 'local', size: { amount: size.disk, unit: 'gib' } }],
  };
}

export function presentImage(slugOrId: string | number) {
  const image = findImage(slugOrId) ?? images[0];
  if (!image) throw new Error('the lab image catalogue is empty');
  return {
    id: image.id,
    name: image.name,
    distribution: image.distribution,
    slug: image.slug,
    public: true,
    regions: regions.map((region) => region.slug),
    created_at: image.createdAt,
    type: 'base',
    min_disk_size: image.minDiskSize,
    size_gigabytes: image.sizeGigabytes,
    description: image.description,
    tags: [],
    status: 'available',
    error_message: '',
  };
}

function presentNetworks(core: EmulatorCore, droplet: StoredDroplet) {
  if (droplet.status === 'new') return { v4: [], v6: [] };
  const vpc = core.state.vpcs.find((candidate) => candidate.id === droplet.vpcUuid);
  const privateRange = parseCidr(vpc?.ipRange ?? '') ?? core.settings.defaultVpcRange;
  const publicRange = core.settings.publicRange;
  const gateway = (range: { base: number }) => formatIpv4(range.base + 1);
  return {
    v4: [
      {
        ip_address: droplet.privateIp,
        netmask: netmask(privateRange.prefix),
        gateway: gateway(privateRange),
        type: 'private',
      },
      {
        ip_address: droplet.publicIp,
        netmask: netmask(publicRange.prefix),
        gateway: gateway(publicRange),
        type: 'public',
      },
    ],
    v6: [],
  };
}

export function presentDroplet(core: EmulatorCore, droplet: StoredDroplet) {
  const size = presentSize(droplet.sizeSlug);
  const region = findRegion(droplet.region);
  return {
    id: droplet.id,
    name: droplet.name,
    memory: size.memory,
    vcpus: size.vcpus,
    disk: size.disk,
    disk_info: size.disk_info,
    locked: droplet.locked,
    status: droplet.status,
    kernel: null,
    created_at: droplet.createdAt,
    features: droplet.monitoring ? ['monitoring', 'private_networking'] : ['private_networking'],
    backup_ids: [],
    next_backup_window: null,
    snapshot_ids: [],
    image: presentImage(droplet.imageId),
    volume_ids: [],
    size,
    size_slug: droplet.sizeSlug,
    networks: presentNetworks(core, droplet),
    region: region ? presentRegion(region) : undefined,
    tags: droplet.tags,
    vpc_uuid: droplet.vpcUuid,
    ...(droplet.frozen ? { lab_frozen: true } : {}),
    ...(droplet.error ? { lab_error: droplet.error } : {}),
  };
}

export function presentAction(action: StoredAction) {
  const region = findRegion(action.region);
  return {
    id: action.id,
    status: action.status,
    type: action.type,
    started_at: action.startedAt,
    completed_at: action.completedAt,
    resource_id: action.dropletId,
    resource_type: 'droplet',
    region: region ? presentRegion(region) : undefined,
    region_slug: action.region,
    ...(action.error ? { lab_error: action.error } : {}),
  };
}
