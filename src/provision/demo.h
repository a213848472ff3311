/**
 * @file demo.h  The documented demo data (`centrexd --demo`).
 */
#ifndef CENTREX_PROVISION_DEMO_H
#define CENTREX_PROVISION_DEMO_H

struct store;

int demo_seed(struct store *st);

#endif
