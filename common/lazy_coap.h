/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libcoap through lazy.h, for a program compiled with BRSKI_LAZY_COAP
 * (the pledge): each libcoap function its sources call is a pointer
 * filled by lazy_coap_load() (in coap_dtls.c, which also fills the
 * OpenSSL functions it calls), and the function's name a macro for
 * that pointer.  Include after <coap3/coap.h>; call lazy_coap_load()
 * before any libcoap function.  Without BRSKI_LAZY_COAP: nothing.
 */
#ifndef BRSKI_LAZY_COAP_H
#define BRSKI_LAZY_COAP_H

#ifdef BRSKI_LAZY_COAP

#include "err.h"
#include "lazy.h"

#define LAZY_COAP_SYMS(X) \
	X(coap_add_data_large_request) X(coap_add_option) X(coap_add_token) \
	X(coap_address_init) X(coap_check_option) X(coap_cleanup) \
	X(coap_context_set_block_mode) X(coap_decode_var_bytes) \
	X(coap_delete_pdu) X(coap_encode_var_safe) X(coap_free_context) \
	X(coap_get_data_large) X(coap_io_process) X(coap_new_client_session) \
	X(coap_new_client_session_pki) X(coap_new_context) X(coap_new_pdu) \
	X(coap_opt_length) X(coap_opt_value) X(coap_pdu_get_code) \
	X(coap_pdu_get_token) X(coap_register_event_handler) \
	X(coap_register_nack_handler) X(coap_register_response_handler) \
	X(coap_send) X(coap_session_get_addr_remote) \
	X(coap_session_get_app_data) X(coap_session_get_tls) \
	X(coap_session_new_token) X(coap_session_release) \
	X(coap_session_set_app_data) X(coap_set_log_handler) \
	X(coap_set_log_level) X(coap_startup)

struct lazy_coap {
	LAZY_COAP_SYMS(LAZY_MEMBER)
};

extern struct lazy_coap	lazy_coap;

enum brski_rc	lazy_coap_load(struct brski_err *);

#define coap_add_data_large_request (lazy_coap.p_coap_add_data_large_request)
#define coap_add_option		(lazy_coap.p_coap_add_option)
#define coap_add_token		(lazy_coap.p_coap_add_token)
#define coap_address_init	(lazy_coap.p_coap_address_init)
#define coap_check_option	(lazy_coap.p_coap_check_option)
#define coap_cleanup		(lazy_coap.p_coap_cleanup)
#define coap_context_set_block_mode (lazy_coap.p_coap_context_set_block_mode)
#define coap_decode_var_bytes	(lazy_coap.p_coap_decode_var_bytes)
#define coap_delete_pdu		(lazy_coap.p_coap_delete_pdu)
#define coap_encode_var_safe	(lazy_coap.p_coap_encode_var_safe)
#define coap_free_context	(lazy_coap.p_coap_free_context)
#define coap_get_data_large	(lazy_coap.p_coap_get_data_large)
#define coap_io_process		(lazy_coap.p_coap_io_process)
#define coap_new_client_session	(lazy_coap.p_coap_new_client_session)
#define coap_new_client_session_pki (lazy_coap.p_coap_new_client_session_pki)
#define coap_new_context	(lazy_coap.p_coap_new_context)
#define coap_new_pdu		(lazy_coap.p_coap_new_pdu)
#define coap_opt_length		(lazy_coap.p_coap_opt_length)
#define coap_opt_value		(lazy_coap.p_coap_opt_value)
#define coap_pdu_get_code	(lazy_coap.p_coap_pdu_get_code)
#define coap_pdu_get_token	(lazy_coap.p_coap_pdu_get_token)
#define coap_register_event_handler (lazy_coap.p_coap_register_event_handler)
#define coap_register_nack_handler (lazy_coap.p_coap_register_nack_handler)
#define coap_register_response_handler \
	(lazy_coap.p_coap_register_response_handler)
#define coap_send		(lazy_coap.p_coap_send)
#define coap_session_get_addr_remote (lazy_coap.p_coap_session_get_addr_remote)
#define coap_session_get_app_data (lazy_coap.p_coap_session_get_app_data)
#define coap_session_get_tls	(lazy_coap.p_coap_session_get_tls)
#define coap_session_new_token	(lazy_coap.p_coap_session_new_token)
#define coap_session_release	(lazy_coap.p_coap_session_release)
#define coap_session_set_app_data (lazy_coap.p_coap_session_set_app_data)
#define coap_set_log_handler	(lazy_coap.p_coap_set_log_handler)
#define coap_set_log_level	(lazy_coap.p_coap_set_log_level)
#define coap_startup		(lazy_coap.p_coap_startup)

#endif /* BRSKI_LAZY_COAP */
#endif /* BRSKI_LAZY_COAP_H */
