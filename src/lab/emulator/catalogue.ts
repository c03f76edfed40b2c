/** A small, realistic DigitalOcean catalogue: enough regions, sizes and images for the runbooks and their tests. */

export interface RegionEntry {
  slug: string;
  name: string;
}

export const regions: readonly RegionEntry[] = [
  { slug: 'nyc1', name: 'New York 1' },
  { slug: 'nyc3', name: 'New York 3' },
  { slug: 'sfo3', name: 'San Francisco 3' },
  { slug: 'tor1', name: 'Toronto 1' },
  { slug: 'ams3', name: 'Amsterdam 3' },
  { slug: 'fra1', name: 'Frankfurt 1' },
  { slug: 'lon1', name: 'London 1' },
  { slug: 'blr1', name: 'Bangalore 1' },
  { slug: 'sgp1', name: 'Singapore 1' },
  { slug: 'syd1', name: 'Sydney 1' },
];

export interface SizeEntry {
  slug: string;
  memory: number;
  vcpus: number;
  disk: number;
  transfer: number;
  priceMonthly: number;
  description: string;
  /** Regions that offer the size, as on DigitalOcean where not every region has every size; absent: all. */
  regions?: readonly string[];
}

export const sizes: readonly SizeEntry[] = [
  {
    slug: 's-1vcpu-512mb-10gb',
    memory: 512,
    vcpus: 1,
    disk: 10,
    transfer: 0.5,
    priceMonthly: 4,
    description: 'Basic',
  },
  {
    slug: 's-1vcpu-1gb',
    memory: 1024,
    vcpus: 1,
    disk: 25,
    transfer: 1,
    priceMonthly: 6,
    description: 'Basic',
  },
  {
    slug: 's-1vcpu-2gb',
    memory: 2048,
    vcpus: 1,
    disk: 50,
    transfer: 2,
    priceMonthly: 12,
    description: 'Basic',
  },
  {
    slug: 's-2vcpu-2gb',
    memory: 2048,
    vcpus: 2,
    disk: 60,
    transfer: 3,
    priceMonthly: 18,
    description: 'Basic',
  },
  {
    slug: 's-2vcpu-4gb',
    memory: 4096,
    vcpus: 2,
    disk: 80,
    transfer: 4,
    priceMonthly: 24,
    description: 'Basic',
  },
  {
    slug: 's-4vcpu-8gb',
    memory: 8192,
    vcpus: 4,
    disk: 160,
    transfer: 5,
    priceMonthly: 48,
    description: 'Basic',
  },
  {
    slug: 's-8vcpu-16gb',
    memory: 16384,
    vcpus: 8,
    disk: 320,
    transfer: 6,
    priceMonthly: 96,
    description: 'Basic',
  },
  {
    slug: 'c-2',
    memory: 4096,
    vcpus: 2,
    disk: 25,
    transfer: 4,
    priceMonthly: 42,
    description: 'CPU-Optimized',
    regions: ['nyc1', 'nyc3', 'sfo3', 'tor1', 'ams3', 'fra1', 'lon1', 'sgp1'],
  },
  {
    slug: 'g-2vcpu-8gb',
    memory: 8192,
    vcpus: 2,
    disk: 25,
    transfer: 4,
    priceMonthly: 63,
    description: 'General Purpose',
    regions: ['nyc1', 'nyc3', 'sfo3', 'ams3', 'fra1'],
  },
];

/** DigitalOcean bills a month as 672 hours, so the hourly price is monthly / 672, rounded to 5 places. */
export const hourlyPrice = (size: SizeEntry): number =>
  Math.round((size.priceMonthly / 672) * 100_000) / 100_000;

export interface ImageEntry {
  id: number;
  slug: string;
  name: string;
  distribution: string;
  minDiskSize: number;
  sizeGigabytes: number;
  createdAt: string;
  description: string;
}

export const images: readonly ImageEntry[] = [
  {
    id: 169030240,
    slug: 'ubuntu-24-04-x64',
    name: '24.04 (LTS) x64',
    distribution: 'Ubuntu',
    minDiskSize: 7,
    sizeGigabytes: 2.34,
    createdAt: '2024-11-20T14:12:51Z',
    description: 'Ubuntu 24.04 (LTS) x64',
  },
  {
    id: 129211873,
    slug: 'ubuntu-22-04-x64',
    name: '22.04 (LTS) x64',
    distribution: 'Ubuntu',
    minDiskSize: 7,
    sizeGigabytes: 2.21,
    createdAt: '2023-03-30T20:28:18Z',
    description: 'Ubuntu 22.04 (LTS) x64',
  },
  {
    id: 157347621,
    slug: 'debian-12-x64',
    name: '12 x64',
    distribution: 'Debian',
    minDiskSize: 15,
    sizeGigabytes: 1.12,
    createdAt: '2024-06-12T09:03:11Z',
    description: 'Debian 12 x64',
  },
  {
    id: 161591264,
    slug: 'rockylinux-9-x64',
    name: '9 x64',
    distribution: 'Rocky Linux',
    minDiskSize: 10,
    sizeGigabytes: 1.55,
    createdAt: '2024-08-01T17:44:02Z',
    description: 'Rocky Linux 9 x64',
  },
  {
    id: 165064292,
    slug: 'fedora-41-x64',
    name: '41 x64',
    distribution: 'Fedora',
    minDiskSize: 15,
    sizeGigabytes: 1.96,
    createdAt: '2024-10-29T11:20:40Z',
    description: 'Fedora 41 x64',
  },
];

export const findRegion = (slug: string): RegionEntry | undefined =>
  regions.find((region) => region.slug === slug);
export const findSize = (slug: string): SizeEntry | undefined => sizes.find((size) => size.slug === slug);
/** Whether a region offers a size (GET /v2/sizes lists each size's regions, GET /v2/regions each region's sizes). */
export const sizeOffered = (size: SizeEntry, region: string): boolean =>
  size.regions === undefined || size.regions.includes(region);
export const findImage = (slugOrId: string | number): ImageEntry | undefined =>
  images.find((image) => image.slug === slugOrId || String(image.id) === String(slugOrId));
