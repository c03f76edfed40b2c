import type { Route } from '../router.js';

export const accountRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v2/account',
    handler: (_request, core) => ({
      status: 200,
      body: {
        account: {
          droplet_limit: 25,
          floating_ip_limit: 3,
          volume_limit: 100,
          email: 'trainee@drillbook.lab',
          name: 'drillbook lab',
          uuid: core.state.accountUuid,
          email_verified: true,
          status: 'active',
          status_message:
            core.settings.addressMode === 'private'
              ? 'The drillbook lab emulator: droplets are containers on a private VPC network on this machine.'
              : 'The drillbook lab emulator: droplets are local processes on 127.0.0.0/8.',
          team: { uuid: core.state.accountUuid, name: 'drillbook lab' },
        },
      },
    }),
  },
];
