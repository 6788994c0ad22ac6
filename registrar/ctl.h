/* SPDX-License-Identifier: BSD-2-Clause */
/* "brski-registrar ctl": the operator's commands (ctl.c). */
#ifndef BRSKI_REGISTRAR_CTL_H
#define BRSKI_REGISTRAR_CTL_H

#include "conf.h"

int	registrar_ctl(const struct conf *, int, char **);

#endif /* BRSKI_REGISTRAR_CTL_H */
