/* SPDX-License-Identifier: BSD-2-Clause */
/* "brski-masa ctl": administrative commands on the MASA's store. */
#ifndef BRSKI_MASA_CTL_H
#define BRSKI_MASA_CTL_H

#include "conf.h"

int	masa_ctl(const struct conf *, int, char **);

#endif /* BRSKI_MASA_CTL_H */
