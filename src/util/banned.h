/* banned.h — functions fixkb never calls, refused by the compiler.
 *
 * meson forces this header into every translation unit (-include), so
 * it first includes the system headers that declare them; their later
 * inclusion is then a no-op, and any call of ours expands to an
 * undeclared identifier: a compile error naming the function. Use
 * snprintf, memcpy with a known length, or util/buf.h instead.
 * scripts/check-layers.py reports the same calls by name. */
#ifndef FIXKB_UTIL_BANNED_H
#define FIXKB_UTIL_BANNED_H

#include <stdio.h>
#include <string.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(x) BANNED(gets)

#endif
