/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for common/est.c: EST body transfer and CSR attributes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "b64.h"
#include "est.h"

/* RFC 7030 4.5.2's example: challengePassword, ecPublicKey/secp384r1,
 * extensionRequest/macAddress, ecdsa-with-SHA384 */
static const char rfc7030_attrs[] =
    "MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqGSIb3DQEJDjEJ"
    "BgcrBgEBAQEWBggqhkjOPQQDAw==";

static void
test_est_csrattrs_parses_rfc7030_example(void **state)
{
	struct brski_err	 e = { 0 };
	struct est_csrattrs	 a;
	uint8_t			*der = NULL;
	size_t			 len;

	(void)state;
	assert_rc(est_body_decode((const uint8_t *)rfc7030_attrs,
	    strlen(rfc7030_attrs), &der, &len, &e), BRSKI_OK, &e);
	assert_rc(est_csrattrs_parse(der, len, &a, &e), BRSKI_OK, &e);
	assert_true(a.challenge_password);
	assert_int_equal(a.key_type, KEY_EC_P384);
	free(der);
}

static void
test_est_csrattrs_round_trip(void **state)
{
	struct brski_err	 e = { 0 };
	struct est_csrattrs	 in = { 1, KEY_EC_P256 }, out;
	uint8_t			*der = NULL;
	size_t			 len;

	(void)state;
	assert_rc(est_csrattrs_build(&in, &der, &len, &e), BRSKI_OK, &e);
	assert_rc(est_csrattrs_parse(der, len, &out, &e), BRSKI_OK, &e);
	assert_int_equal(out.challenge_password, 1);
	assert_int_equal(out.key_type, KEY_EC_P256);
	free(der);
	in.challenge_password = 0;
	in.key_type = KEY_EC_P521;
	assert_rc(est_csrattrs_build(&in, &der, &len, &e), BRSKI_OK, &e);
	assert_rc(est_csrattrs_parse(der, len, &out, &e), BRSKI_OK, &e);
	assert_int_equal(out.challenge_password, 0);
	assert_int_equal(out.key_type, KEY_EC_P521);
	free(der);
}

static void
test_est_csrattrs_rejects_malformed(void **state)
{
	struct brski_err	e = { 0 };
	struct est_csrattrs	a;
	static const uint8_t	not_seq[] = { 0x04, 0x00 };
	static const uint8_t	trailing[] = { 0x30, 0x00, 0x00 };
	static const uint8_t	truncated[] = { 0x30, 0x05, 0x06, 0x03 };
	static const uint8_t	bad_item[] = { 0x30, 0x02, 0x04, 0x00 };
	static const uint8_t	empty[] = { 0x30, 0x00 };

	(void)state;
	assert_rc(est_csrattrs_parse(not_seq, sizeof(not_seq), &a, &e),
	    BRSKI_EPARSE, &e);
	assert_rc(est_csrattrs_parse(trailing, sizeof(trailing), &a, &e),
	    BRSKI_EPARSE, &e);
	assert_rc(est_csrattrs_parse(truncated, sizeof(truncated), &a, &e),
	    BRSKI_EPARSE, &e);
	assert_rc(est_csrattrs_parse(bad_item, sizeof(bad_item), &a, &e),
	    BRSKI_EPARSE, &e);
	assert_rc(est_csrattrs_parse(empty, sizeof(empty), &a, &e), BRSKI_OK,
	    &e);
	assert_false(a.challenge_password);
}

static void
test_est_body_accepts_base64_lines_and_der(void **state)
{
	struct brski_err	 e = { 0 };
	static const uint8_t	 der[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	uint8_t			*out = NULL;
	char			*txt = NULL;
	size_t			 len, tlen;

	(void)state;
	assert_rc(est_body_encode(der, sizeof(der), &txt, &tlen, &e), BRSKI_OK,
	    &e);
	assert_string_equal(txt, "MAMCAQU=\n");
	assert_rc(est_body_decode((uint8_t *)txt, tlen, &out, &len, &e),
	    BRSKI_OK, &e);
	assert_int_equal(len, sizeof(der));
	assert_memory_equal(out, der, len);
	free(out);
	free(txt);
	/* raw DER from lax clients */
	assert_rc(est_body_decode(der, sizeof(der), &out, &len, &e), BRSKI_OK,
	    &e);
	assert_memory_equal(out, der, len);
	free(out);
}

/*
 * Found by fuzzing: this base64 text starts with '0' (a SEQUENCE tag)
 * and '+' (43, its length to the end), so it was taken for raw DER and
 * est_body_decode(est_body_encode(x)) was not x.
 */
static void
test_est_body_prefers_base64_to_der(void **state)
{
	static const char	 txt[] =
	    "0+AgIQeJFAAIU2lfLYSvWkGBAQDAgGMG1nvFFAAIU2lf\n";
	struct brski_err	 e = { 0 };
	uint8_t			*out = NULL, *want = NULL;
	size_t			 len, wlen;

	(void)state;
	assert_int_equal(strlen(txt), 2 + '+');
	assert_rc(b64_decode(txt, strlen(txt), B64_WS, &want, &wlen, &e),
	    BRSKI_OK, &e);
	assert_rc(est_body_decode((const uint8_t *)txt, strlen(txt), &out,
	    &len, &e), BRSKI_OK, &e);
	assert_int_equal(len, wlen);
	assert_memory_equal(out, want, len);
	free(out);
	free(want);
}

static void
test_est_body_rejects_garbage(void **state)
{
	struct brski_err	 e = { 0 };
	uint8_t			*out = NULL;
	size_t			 len;
	static const char	 bad[] = "MAMC*QU=";
	static const uint8_t	 der_short[] = { 0x30, 0x05, 0x02 };
	uint8_t			*big;

	(void)state;
	assert_rc(est_body_decode((const uint8_t *)bad, strlen(bad), &out, &len,
	    &e), BRSKI_EPARSE, &e);
	assert_null(out);
	assert_rc(est_body_decode(der_short, sizeof(der_short), &out, &len,
	    &e), BRSKI_EPARSE, &e);
	assert_rc(est_body_decode((const uint8_t *)"", 0, &out, &len, &e),
	    BRSKI_EPARSE, &e);
	big = calloc(1, EST_BODY_MAX + 1);
	memset(big, 'A', EST_BODY_MAX + 1);
	assert_rc(est_body_decode(big, EST_BODY_MAX + 1, &out, &len, &e),
	    BRSKI_ETOOBIG, &e);
	free(big);
}

static void
test_est_serverkeygen_body_has_both_parts(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k = NULL;
	struct x509_list	 l = { 0 };
	struct x509_template	 t = { .cn = "x", .path_len = -1 };
	uint8_t			*spki = NULL, *der = NULL, *p8 = NULL;
	size_t			 slen, dlen, p8len, blen;
	char			*body = NULL;

	(void)state;
	t.not_before = 1700000000;
	t.not_after = t.not_before + 86400;
	assert_rc(key_generate(KEY_EC_P256, &k, &e), BRSKI_OK, &e);
	assert_rc(key_spki(k, &spki, &slen, &e), BRSKI_OK, &e);
	assert_rc(x509_issue(&t, spki, slen, NULL, k, &der, &dlen, &e),
	    BRSKI_OK, &e);
	assert_rc(x509_list_add_der(&l, der, dlen, &e), BRSKI_OK, &e);
	assert_rc(key_to_pkcs8(k, &p8, &p8len, &e), BRSKI_OK, &e);
	assert_rc(est_serverkeygen_body(p8, p8len, &l, "estBoundary", &body,
	    &blen, &e), BRSKI_OK, &e);
	assert_int_equal(blen, strlen(body));
	assert_non_null(strstr(body, "--estBoundary\r\nContent-Type: "
	    "application/pkcs8\r\n"));
	assert_non_null(strstr(body, "Content-Type: application/pkcs7-mime; "
	    "smime-type=certs-only\r\n"));
	assert_non_null(strstr(body, "--estBoundary--\r\n"));
	free(body);
	free(p8);
	free(spki);
	free(der);
	x509_list_free(&l);
	key_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_est_csrattrs_parses_rfc7030_example),
		cmocka_unit_test(test_est_csrattrs_round_trip),
		cmocka_unit_test(test_est_csrattrs_rejects_malformed),
		cmocka_unit_test(test_est_body_accepts_base64_lines_and_der),
		cmocka_unit_test(test_est_body_prefers_base64_to_der),
		cmocka_unit_test(test_est_body_rejects_garbage),
		cmocka_unit_test(test_est_serverkeygen_body_has_both_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
