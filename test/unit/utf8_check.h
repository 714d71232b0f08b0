/*
 * utf8_check.h
 *		Strict UTF-8 validation for the wire tests and the wire fuzz target:
 *		no overlong forms, no surrogates, nothing above U+10FFFF.  Test code
 *		only; src/wire.c must never produce invalid UTF-8 from valid input.
 */
#ifndef MAIP_TEST_UTF8_CHECK_H
#define MAIP_TEST_UTF8_CHECK_H

#include <stddef.h>

static int
valid_utf8(const void *str, size_t n)
{
	const unsigned char *s = (const unsigned char *) str;
	size_t		i = 0;

	while (i < n)
	{
		unsigned char c = s[i];
		size_t		len;
		unsigned long cp;
		size_t		k;

		if (c < 0x80)
		{
			i++;
			continue;
		}
		else if (c >= 0xC2 && c <= 0xDF)
			len = 2, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, cp = c & 0x07;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++)
		{
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
			(cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return 0;
		i += len;
	}
	return 1;
}

#endif
