import { images, regions, sizes } from '../catalogue.js';
import { notFound } from '../errors.js';
import { paginate } from '../pagination.js';
import { presentImage, presentRegion, presentSize } from '../present.js';
import type { Route } from '../router.js';

export const catalogueRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v2/regions',
    handler: ({ query }, core) => {
      const page = paginate(regions.map(presentRegion), query, `${core.apiUrl}/regions`);
      return { status: 200, body: { regions: page.items, links: page.links, meta: page.meta } };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/sizes',
    handler: ({ query }, core) => {
      const page = paginate(
        sizes.map((size) => presentSize(size.slug)),
        query,
        `${core.apiUrl}/sizes`,
      );
      return { status: 200, body: { sizes: page.items, links: page.links, meta: page.meta } };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/images',
    handler: ({ query }, core) => {
      // Every lab image is a public distribution image: no application images, no user images.
      const type = query.get('type');
      const onlyUserImages = query.get('private') === 'true';
      const tag = query.get('tag_name');
      const listed = type === 'application' || onlyUserImages || tag ? [] : images;
      const page = paginate(
        listed.map((image) => presentImage(image.id)),
        query,
        `${core.apiUrl}/images`,
      );
      return { status: 200, body: { images: page.items, links: page.links, meta: page.meta } };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/images/:image',
    handler: ({ params }) => {
      const image = images.find((entry) => entry.slug === params.image || String(entry.id) === params.image);
      if (!image) throw notFound(`Image ${params.image}`);
      return { status: 200, body: { image: presentImage(image.id) } };
    },
  },
];
