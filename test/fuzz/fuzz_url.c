/*-------------------------------------------------------------------------
 *
 * fuzz_url.c
 *		  libFuzzer target: percent-encoding and next-link parsing
 *
 * Checks two properties on arbitrary input: what clio_fdw encodes decodes
 * back to itself (so no value can add or change a parameter), and reading
 * paging parameters out of any next link neither crashes nor reads past
 * the string.
 *
 * IDENTIFICATION
 *		  test/fuzz/fuzz_url.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include "clio_url.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = pnstrdup((const char *) data, size);	/* stops at a NUL */
	char	   *enc = clio_percent_encode(s);
	char	   *dec;
	char	   *token;
	char	   *offset;
	const char *p;

	/* the encoded form has nothing that separates parameters */
	for (p = enc; *p; p++)
		if (*p == '&' || *p == '=' || *p == '#' || *p == '?' || *p == '+' ||
			(unsigned char) *p >= 0x80)
			abort();
	dec = clio_percent_decode(enc, strlen(enc));
	if (strcmp(dec, s) != 0)
		abort();

	(void) clio_next_params(s, &token, &offset);
	if (token)
		pfree(token);
	if (offset)
		pfree(offset);
	pfree(dec);
	pfree(enc);
	pfree(s);
	return 0;
}
