// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ACL log (acl_log.h): descriptors, the packet formatter, the punt handler.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/acl_log.h"
#include "loader/actions.h"
#include "loader/log.h"
#include "loader/punt.h"
#include "loader/strbuf.h"

#define ACL_LOG_MAX_DESC 65535u

static struct acl_log_desc *descs;	/* index = id - 1 */
static size_t n_descs;

int acl_log_intern(const char *name, uint8_t verdict, uint8_t severity, bool ingress)
{
	struct acl_log_desc *d;
	size_t i;

	for (i = 0; i < n_descs; i++) {
		d = &descs[i];
		if (d->verdict == verdict && d->severity == severity && d->ingress == ingress &&
		    !d->name == !name && (!name || !strcmp(d->name, name)))
			return (int)(i + 1);
	}
	if (n_descs == ACL_LOG_MAX_DESC)
		return -ENOSPC;
	descs = xrealloc(descs, (n_descs + 1) * sizeof(*descs));
	d = &descs[n_descs++];
	d->name = name ? xstrndup(name, strlen(name)) : NULL;
	d->verdict = verdict;
	d->severity = severity;
	d->ingress = ingress;
	return (int)n_descs;
}

const struct acl_log_desc *acl_log_get(uint32_t id)
{
	return id && id <= n_descs ? &descs[id - 1] : NULL;
}

int acl_log_op(const struct action_log *log, bool ingress, uint16_t meter, struct ovn_op *op)
{
	int id = acl_log_intern(log->name, log->verdict, log->severity, ingress);

	if (id < 0)
		return id;
	memset(op, 0, sizeof(*op));
	op->code = OVN_OP_PUNT;
	op->n = OVN_PUNT_F_CONTINUE;
	op->arg = PUNT_MAKE(ACT_LOG, id);
	op->meter = meter;
	return 0;
}

/* ---- formatting ---- */

static const char *verdict_str(uint8_t v)
{
	switch (v) {
	case ACT_LOG_ALLOW: return "allow";
	case ACT_LOG_DROP: return "drop";
	case ACT_LOG_REJECT: return "reject";
	default: return "<unknown>";
	}
}

static const char *severity_str(uint8_t s)
{
	switch (s) {
	case ACT_LOG_ALERT: return "alert";
	case ACT_LOG_WARNING: return "warning";
	case ACT_LOG_NOTICE: return "notice";
	case ACT_LOG_INFO: return "info";
	case ACT_LOG_DEBUG: return "debug";
	default: return "<unknown>";
	}
}

/* A JSON string literal, as ovn-controller quotes the name. */
static void put_json_string(struct strbuf *out, const char *s)
{
	strbuf_putc(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': strbuf_puts(out, "\\\""); break;
		case '\\': strbuf_puts(out, "\\\\"); break;
		case '\n': strbuf_puts(out, "\\n"); break;
		case '\r': strbuf_puts(out, "\\r"); break;
		case '\t': strbuf_puts(out, "\\t"); break;
		case '\b': strbuf_puts(out, "\\b"); break;
		case '\f': strbuf_puts(out, "\\f"); break;
		default:
			if (c < 0x20)
				strbuf_printf(out, "\\u%04x", c);
			else
				strbuf_putc(out, (char)c);
		}
	}
	strbuf_putc(out, '"');
}

static void put_mac(struct strbuf *out, const char *key, const uint8_t *m)
{
	strbuf_printf(out, ",%s=%02x:%02x:%02x:%02x:%02x:%02x", key, m[0], m[1], m[2], m[3],
		      m[4], m[5]);
}

static void put_ip(struct strbuf *out, const char *key, int af, const void *a)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(af, a, buf, sizeof(buf));
	strbuf_printf(out, ",%s=%s", key, buf);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* OVS's tcp_flags names, lowest bit first, joined by '|'. */
static void put_tcp_flags(struct strbuf *out, uint16_t f)
{
	static const char *const names[] = { "fin", "syn", "rst", "psh", "ack", "urg",
					     "ece", "cwr", "ns" };
	bool first = true;

	f &= 0x0fff;
	strbuf_puts(out, ",tcp_flags=");
	if (!f) {
		strbuf_putc(out, '0');
		return;
	}
	for (unsigned int i = 0; i < 12; i++) {
		if (!(f & (1u << i)))
			continue;
		if (!first)
			strbuf_putc(out, '|');
		if (i < 9)
			strbuf_puts(out, names[i]);
		else
			strbuf_printf(out, "0x%03x", 1u << i);
		first = false;
	}
}

/* L4 part after the IP fields; L4 points at the transport header. */
static void put_l4(struct strbuf *out, uint8_t proto, bool v6, const uint8_t *l4, size_t n,
		   bool later_frag)
{
	if (later_frag)
		return;
	switch (proto) {
	case 6:
		strbuf_printf(out, ",tp_src=%u,tp_dst=%u", n >= 4 ? rd16(l4) : 0,
			      n >= 4 ? rd16(l4 + 2) : 0);
		put_tcp_flags(out, n >= 14 ? (uint16_t)(((l4[12] & 0x0f) << 8) | l4[13]) : 0);
		break;
	case 17:
	case 132:
		strbuf_printf(out, ",tp_src=%u,tp_dst=%u", n >= 4 ? rd16(l4) : 0,
			      n >= 4 ? rd16(l4 + 2) : 0);
		break;
	case 1:
	case 58:
		if (proto == 58 && !v6)
			break;
		strbuf_printf(out, ",icmp_type=%u,icmp_code=%u", n >= 1 ? l4[0] : 0,
			      n >= 2 ? l4[1] : 0);
		if (proto == 58 && n >= 24 && (l4[0] == 135 || l4[0] == 136)) {
			static const uint8_t zero[6];
			const uint8_t *ll = zero;

			put_ip(out, "nd_target", AF_INET6, l4 + 8);
			/* First source/target link-layer address option. */
			for (size_t o = 24; o + 8 <= n && l4[o + 1]; o += 8u * l4[o + 1]) {
				if (l4[o] == (l4[0] == 135 ? 1 : 2)) {
					ll = l4 + o + 2;
					break;
				}
			}
			put_mac(out, l4[0] == 135 ? "nd_sll" : "nd_tll", ll);
		}
		break;
	default:
		break;
	}
}

static const char *proto_name(uint8_t proto, bool v6)
{
	switch (proto) {
	case 1: return v6 ? NULL : "icmp";
	case 6: return v6 ? "tcp6" : "tcp";
	case 17: return v6 ? "udp6" : "udp";
	case 58: return v6 ? "icmp6" : NULL;
	case 132: return v6 ? "sctp6" : "sctp";
	default: return NULL;
	}
}

void acl_log_flow_format(struct strbuf *out, const uint8_t *pkt, size_t len)
{
	const uint8_t *p = pkt;
	size_t n = len;
	uint16_t type, tci = 0;
	bool vlan = false;
	struct strbuf head = STRBUF_INIT, body = STRBUF_INIT;

	if (n < 14) {
		strbuf_printf(out, "(truncated frame, %zu bytes)", len);
		return;
	}
	type = rd16(p + 12);
	if ((type == 0x8100 || type == 0x88a8) && n >= 18) {
		vlan = true;
		tci = rd16(p + 14);
		type = rd16(p + 16);
		p += 18;
		n -= 18;
	} else {
		p += 14;
		n -= 14;
	}
	if (vlan)
		strbuf_printf(&body, ",dl_vlan=%u,dl_vlan_pcp=%u", tci & 0xfff, tci >> 13);
	else
		strbuf_puts(&body, ",vlan_tci=0x0000");
	put_mac(&body, "dl_src", pkt + 6);
	put_mac(&body, "dl_dst", pkt);

	if (type == 0x0800 && n >= 20 && (p[0] >> 4) == 4) {
		size_t ihl = (size_t)(p[0] & 0x0f) * 4;
		uint16_t frag = rd16(p + 6);
		bool later = frag & 0x1fff, first = !later && (frag & 0x2000);
		const char *name = proto_name(p[9], false);

		strbuf_puts(&head, name ? name : "ip");
		put_ip(&body, "nw_src", AF_INET, p + 12);
		put_ip(&body, "nw_dst", AF_INET, p + 16);
		if (!name)
			strbuf_printf(&body, ",nw_proto=%u", p[9]);
		strbuf_printf(&body, ",nw_tos=%u,nw_ecn=%u,nw_ttl=%u,nw_frag=%s", p[1] & 0xfc,
			      p[1] & 3, p[8], later ? "later" : first ? "first" : "no");
		if (ihl >= 20 && ihl <= n)
			put_l4(&body, p[9], false, p + ihl, n - ihl, later);
	} else if (type == 0x86dd && n >= 40) {
		uint8_t nh = p[6];
		uint32_t vtcfl = (uint32_t)rd16(p) << 16 | rd16(p + 2);
		uint8_t tc = (vtcfl >> 20) & 0xff;
		size_t off = 40;
		bool later = false, first = false;
		const char *name;

		/* Walk the extension headers OVS walks (hop-by-hop, routing,
		 * destination options, fragment). */
		while ((nh == 0 || nh == 43 || nh == 60 || nh == 44) && off + 8 <= n) {
			if (nh == 44) {
				uint16_t fo = rd16(p + off + 2);

				later = fo & 0xfff8;
				first = !later && (fo & 1);
				nh = p[off];
				off += 8;
			} else {
				uint8_t next = p[off];

				off += 8u * (p[off + 1] + 1u);
				nh = next;
			}
		}
		name = proto_name(nh, true);
		strbuf_puts(&head, name ? name : "ipv6");
		put_ip(&body, "ipv6_src", AF_INET6, p + 8);
		put_ip(&body, "ipv6_dst", AF_INET6, p + 24);
		strbuf_printf(&body, ",ipv6_label=0x%05x", vtcfl & 0xfffff);
		if (!name)
			strbuf_printf(&body, ",nw_proto=%u", nh);
		strbuf_printf(&body, ",nw_tos=%u,nw_ecn=%u,nw_hlim=%u,nw_frag=%s", tc & 0xfc, tc & 3,
			      p[7], later ? "later" : first ? "first" : "no");
		if (off <= n)
			put_l4(&body, nh, true, p + off, n - off, later);
	} else if ((type == 0x0806 || type == 0x8035) && n >= 28) {
		strbuf_puts(&head, type == 0x0806 ? "arp" : "rarp");
		put_ip(&body, "arp_spa", AF_INET, p + 14);
		put_ip(&body, "arp_tpa", AF_INET, p + 24);
		strbuf_printf(&body, ",arp_op=%u", rd16(p + 6));
		put_mac(&body, "arp_sha", p + 8);
		put_mac(&body, "arp_tha", p + 18);
	} else {
		strbuf_printf(&body, ",dl_type=0x%04x", type);
	}
	/* "icmp,vlan_tci=..." or, without a protocol name, "vlan_tci=...". */
	strbuf_puts(out, strbuf_str(&head));
	strbuf_puts(out, head.len ? strbuf_str(&body) : strbuf_str(&body) + 1);
	strbuf_free(&head);
	strbuf_free(&body);
}

void acl_log_format(struct strbuf *out, const struct acl_log_desc *d, const uint8_t *pkt,
		    size_t len)
{
	strbuf_puts(out, "name=");
	put_json_string(out, d->name ? d->name : "<unnamed>");
	strbuf_printf(out, ", verdict=%s, severity=%s, direction=%s: ", verdict_str(d->verdict),
		      severity_str(d->severity), d->ingress ? "from-lport" : "to-lport");
	acl_log_flow_format(out, pkt, len);
}

static void on_log(const struct ovn_punt_event *ev, size_t len, void *aux)
{
	const struct acl_log_desc *d = acl_log_get(PUNT_ARG(ev->opcode));
	size_t cap = ev->cap_len;
	struct strbuf sb = STRBUF_INIT;

	(void)aux;
	if (!d) {
		pr_warn("acl_log", "log punt of flow %u with unknown descriptor %u", ev->flow,
			PUNT_ARG(ev->opcode));
		return;
	}
	if (cap > OVN_PUNT_SNAPLEN)
		cap = OVN_PUNT_SNAPLEN;
	if (cap > len - offsetof(struct ovn_punt_event, pkt))
		cap = len - offsetof(struct ovn_punt_event, pkt);
	acl_log_format(&sb, d, ev->pkt, cap);
	pr_info("acl_log", "%s", strbuf_str(&sb));
	strbuf_free(&sb);
}

int acl_log_register(void)
{
	return punt_register(ACT_LOG, on_log, NULL);
}
