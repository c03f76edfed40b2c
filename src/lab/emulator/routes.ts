import { accountRoutes } from './resources/account.js';
import { actionRoutes } from './resources/actions.js';
import { catalogueRoutes } from './resources/catalogue.js';
import { dropletActionRoutes } from './resources/droplet-actions.js';
import { dropletRoutes } from './resources/droplets.js';
import { firewallRoutes } from './resources/firewalls.js';
import { keyRoutes } from './resources/keys.js';
import { labRoutes } from './resources/lab.js';
import { labNetworkRoutes } from './resources/lab-network.js';
import { tagRoutes } from './resources/tags.js';
import { vpcRoutes } from './resources/vpcs.js';
import type { Route } from './router.js';

/** Every endpoint the emulator answers; literal segments come before parameters that could shadow them. */
export const allRoutes: readonly Route[] = [
  ...accountRoutes,
  ...keyRoutes,
  ...catalogueRoutes,
  ...vpcRoutes,
  ...dropletActionRoutes,
  ...dropletRoutes,
  ...actionRoutes,
  ...firewallRoutes,
  ...tagRoutes,
  ...labRoutes,
  ...labNetworkRoutes,
];
