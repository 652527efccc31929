// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * SCTP load balancing through BPF_PROG_TEST_RUN (bpf/lib/sctp_nat.h): a
 * VIP whose backend port differs rewrites the SCTP port and recomputes
 * the CRC32c, on the DNAT and on the reply; an address-only VIP leaves
 * the SCTP header as it was.  Switch dp 1, every packet enters on p1:
 *
 *   ls_in t0 100 ip4.dst == 10.0.0.110 && sctp.dst == 80
 *                      ct_lb_mark(backends=10.0.0.3:8080);
 *            100 ip4.dst == 10.0.0.111 && sctp.dst == 80
 *                      ct_lb_mark(backends=10.0.0.3:80);
 *            100 ip6.dst == fd00::110 && sctp.dst == 80
 *                      ct_lb_mark(backends=[fd00::3]:8080);
 *              0 1                             ct_lb_mark;
 *   ls_in t1   0 1                             outport = "p2"; output;
 *
 * The expected CRC is computed here bit by bit (not with the datapath's
 * table).
 */
#include <arpa/inet.h>

#include "tests/test_progs.h"
#include "tests/bpf/pl_flows.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "loader/compile.h"
#include "loader/conntrack.h"
#include "ovnbpf_vif.skel.h"

#define LO 1

static const uint8_t SMAC1[6] = { 0x0a, 0, 0, 0, 1, 1 };
static const uint8_t SMAC2[6] = { 0x0a, 0, 0, 0, 1, 2 };

struct sctp_fix {
	struct pl_fix f;
	struct compiler *c;
	uint8_t out[2048];
	uint32_t out_len;
	uint32_t ret;
};

static struct ovn_ctx sctx;

/* CRC32c, bitwise (reflected polynomial 0x82f63b78). */
static uint32_t crc32c_bits(const uint8_t *b, size_t n)
{
	uint32_t crc = 0xffffffff;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= b[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78 & -(crc & 1));
	}
	return ~crc;
}

/* The CRC32c of the SCTP packet at S (N bytes) with its checksum field
 * taken as zero. */
static uint32_t sctp_crc(const uint8_t *s, size_t n)
{
	uint8_t b[2048];

	memcpy(b, s, n);
	memset(b + 8, 0, 4);
	return crc32c_bits(b, n);
}

static uint32_t sctp_stored_crc(const uint8_t *s)
{
	return (uint32_t)s[8] | (uint32_t)s[9] << 8 | (uint32_t)s[10] << 16 |
	       (uint32_t)s[11] << 24;
}

/* An SCTP packet with one chunk of type TYPE, CLEN bytes long (INIT-like
 * body, then a pattern), padded to 4; returns its length. */
static size_t sctp_body(uint8_t *s, uint16_t sp, uint16_t dp, uint8_t type, uint16_t clen)
{
	size_t n = 12 + ((clen + 3u) & ~3u), i;
	uint32_t crc;

	memset(s, 0, n);
	s[0] = sp >> 8; s[1] = sp & 0xff;
	s[2] = dp >> 8; s[3] = dp & 0xff;
	if (type != 1)
		memcpy(s + 4, "\x11\x22\x33\x44", 4);	/* verification tag */
	s[12] = type;
	s[14] = clen >> 8;
	s[15] = clen & 0xff;
	memcpy(s + 16, "\xaa\xbb\xcc\xdd", 4);		/* initiate tag */
	s[20] = 0; s[21] = 1; s[22] = 0; s[23] = 0;	/* a_rwnd 65536 */
	s[25] = 10; s[27] = 10;				/* streams */
	memcpy(s + 28, "\x00\x00\x00\x01", 4);		/* initial TSN */
	for (i = 32; i < 12u + clen; i++)
		s[i] = (uint8_t)(i * 7 + 3);
	crc = sctp_crc(s, n);
	s[8] = crc; s[9] = crc >> 8; s[10] = crc >> 16; s[11] = crc >> 24;
	return n;
}

static size_t sctp4(uint8_t *b, const uint8_t *smac, uint32_t s, uint32_t d, uint16_t sp,
		    uint16_t dp, uint8_t type, uint16_t clen)
{
	size_t n;

	pkt_eth(b, smac == SMAC1 ? SMAC2 : SMAC1, smac, 0x0800);
	n = sctp_body(b + 34, sp, dp, type, clen);
	pkt_ip4(b + 14, 132, s, d, n);
	return 34 + n;
}

static size_t sctp6(uint8_t *b, const uint8_t *s, const uint8_t *d, uint16_t sp, uint16_t dp,
		    uint8_t type, uint16_t clen)
{
	uint8_t *ip = b + 14;
	size_t n;

	pkt_eth(b, SMAC2, SMAC1, 0x86dd);
	n = sctp_body(b + 54, sp, dp, type, clen);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[4] = n >> 8;
	ip[5] = n & 0xff;
	ip[6] = 132;
	ip[7] = 64;
	memcpy(ip + 8, s, 16);
	memcpy(ip + 24, d, 16);
	return 54 + n;
}

#define sflow(x, pl, t, prio, m, a) pl_flow((x)->c, 1, pl, t, prio, m, a)

static int ssetup(struct sctp_fix *x)
{
	struct compile_opts o = { 0 };
	int err = 0;

	memset(x, 0, sizeof(*x));
	if (pl_fix_open(&x->f))
		return -1;
	if (compiler_new(x->f.w, &o, &x->c))
		return -1;
	err |= pl_switch_p1p2(x->c, LO);
	err |= compile_datapath_set_zones(x->c, 1, 1, 1);
	err |= sflow(x, OVN_PIPE_INGRESS, 0, 100, "ip4.dst == 10.0.0.110 && sctp.dst == 80",
		     "ct_lb_mark(backends=10.0.0.3:8080);");
	err |= sflow(x, OVN_PIPE_INGRESS, 0, 100, "ip4.dst == 10.0.0.111 && sctp.dst == 80",
		     "ct_lb_mark(backends=10.0.0.3:80);");
	err |= sflow(x, OVN_PIPE_INGRESS, 0, 100, "ip6.dst == fd00::110 && sctp.dst == 80",
		     "ct_lb_mark(backends=[fd00::3]:8080);");
	err |= sflow(x, OVN_PIPE_INGRESS, 0, 0, "1", "ct_lb_mark;");
	err |= sflow(x, OVN_PIPE_INGRESS, 1, 0, "1", "outport = \"p2\"; output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_INGRESS, 2, OVN_LS_IN_TABLES, "output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	err |= compile_commit(x->c);
	return err ? -1 : 0;
}

static void steardown(struct sctp_fix *x)
{
	compiler_free(x->c);
	pl_fix_close(&x->f);
}

/* Run PKT; 0 when the run worked (the output lands in x->out). */
static int srun(struct sctp_fix *x, const uint8_t *pkt, size_t len)
{
	x->out_len = sizeof(x->out);
	if (bpf_test_run_skb(x->f.prog_fd, pkt, len, &x->ret, x->out, &x->out_len) ||
	    pl_read_ctx(&x->f, &sctx))
		return -1;
	return 0;
}

static uint32_t ip4b(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

static uint16_t port_at(const uint8_t *s, int dst)
{
	return (uint16_t)s[dst ? 2 : 0] << 8 | s[dst ? 3 : 1];
}

#define CL ip4b(10, 0, 0, 1)
#define BE ip4b(10, 0, 0, 3)

/* INIT (CLEN chunk bytes) to VIP:80 -> backend:8080, INIT-ACK back ->
 * from VIP:80, both with a CRC32c that verifies. */
static void lb_sctp4(struct sctp_fix *x, uint16_t sport, uint16_t clen, const char *what)
{
	uint8_t p[2048];
	const uint8_t *s = x->out + 34;
	uint32_t a;
	size_t n, sl;

	n = sctp4(p, SMAC1, CL, ip4b(10, 0, 0, 110), sport, 80, 1, clen);
	sl = n - 34;
	if (!ASSERT_OK(srun(x, p, n), "run INIT"))
		return;
	ASSERT_EQ(sctx.x.drop_reason, 0, what);
	ASSERT_EQ(x->out_len, n, "same length");
	memcpy(&a, x->out + 30, 4);
	ASSERT_EQ(a, BE, "INIT DNATed to the backend");
	ASSERT_EQ(port_at(s, 1), 8080, "SCTP dst port 8080");
	ASSERT_EQ(port_at(s, 0), sport, "SCTP src port kept");
	ASSERT_EQ(sctp_stored_crc(s), sctp_crc(s, sl), "CRC32c recomputed");
	ASSERT_NEQ(sctp_stored_crc(s), sctp_stored_crc(p + 34), "CRC32c changed");
	ASSERT_TRUE(pkt_ip4_ok(x->out + 14), "IP checksum");
	ASSERT_MEMEQ(x->out + 46, p + 46, sl - 12, "chunks untouched");

	n = sctp4(p, SMAC2, BE, CL, 8080, sport, 2, clen);
	if (!ASSERT_OK(srun(x, p, n), "run INIT-ACK"))
		return;
	ASSERT_EQ(sctx.x.drop_reason, 0, "INIT-ACK delivered");
	memcpy(&a, x->out + 26, 4);
	ASSERT_EQ(a, ip4b(10, 0, 0, 110), "reply from the VIP");
	ASSERT_EQ(port_at(s, 0), 80, "reply SCTP src port 80");
	ASSERT_EQ(port_at(s, 1), sport, "reply SCTP dst port kept");
	ASSERT_EQ(sctp_stored_crc(s), sctp_crc(s, n - 34), "reply CRC32c recomputed");
	ASSERT_TRUE(pkt_ip4_ok(x->out + 14), "reply IP checksum");
}

static void sub_sctp_short(struct sctp_fix *x)
{
	lb_sctp4(x, 40001, 20, "INIT (32 bytes of SCTP) delivered");
}

/* Several 64-byte blocks and a tail that is not a multiple of 4 of the
 * chunk (padded). */
static void sub_sctp_long(struct sctp_fix *x)
{
	lb_sctp4(x, 40002, 1401, "INIT (1416 bytes of SCTP) delivered");
}

/* Backend port = VIP port: only addresses change, the SCTP header (CRC
 * included) stays as it was. */
static void sub_sctp_addr_only(struct sctp_fix *x)
{
	uint8_t p[256];
	uint32_t a;
	size_t n;

	n = sctp4(p, SMAC1, CL, ip4b(10, 0, 0, 111), 40003, 80, 1, 20);
	if (!ASSERT_OK(srun(x, p, n), "run"))
		return;
	ASSERT_EQ(sctx.x.drop_reason, 0, "delivered");
	memcpy(&a, x->out + 30, 4);
	ASSERT_EQ(a, BE, "DNATed to the backend");
	ASSERT_MEMEQ(x->out + 34, p + 34, n - 34, "SCTP packet unchanged (CRC too)");
}

static void sub_sctp_ip6(struct sctp_fix *x)
{
	static const uint8_t c6[16] = { 0xfd, [15] = 1 }, v6[16] = { 0xfd, [14] = 1, [15] = 0x10 },
			     b6[16] = { 0xfd, [15] = 3 };
	uint8_t p[512];
	const uint8_t *s = x->out + 54;
	size_t n;

	n = sctp6(p, c6, v6, 40004, 80, 1, 100);
	if (!ASSERT_OK(srun(x, p, n), "run"))
		return;
	ASSERT_EQ(sctx.x.drop_reason, 0, "IPv6 INIT delivered");
	ASSERT_MEMEQ(x->out + 38, b6, 16, "DNATed to the IPv6 backend");
	ASSERT_EQ(port_at(s, 1), 8080, "SCTP dst port 8080");
	ASSERT_EQ(sctp_stored_crc(s), sctp_crc(s, n - 54), "CRC32c recomputed");
}

void test_lb_sctp_bpf(void)
{
	struct sctp_fix *x = calloc(1, sizeof(*x));

	if (!ASSERT_OK_PTR(x, "alloc"))
		return;
	if (!ASSERT_OK(ssetup(x), "setup"))
		goto out;
	if (test__start_subtest("sctp_port_crc32c"))
		sub_sctp_short(x);
	if (test__start_subtest("sctp_port_crc32c_multiblock"))
		sub_sctp_long(x);
	if (test__start_subtest("sctp_addr_only_keeps_crc"))
		sub_sctp_addr_only(x);
	if (test__start_subtest("sctp_ipv6"))
		sub_sctp_ip6(x);
out:
	steardown(x);
	free(x);
}
