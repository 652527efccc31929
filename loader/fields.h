/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Base fields of the OVN match and action languages: the storage every
 * symbol of the symbol table (symtab.h) ends up in, like OVS's mf_field
 * ids.  A symbol is a base field, a bit range of one (a subfield: reg0 is
 * xxreg0[96..127], ct.est is ct_state[1]) or a predicate (an expression
 * over them).  The compiler maps each base field to a place in the BPF
 * per-packet context; nothing else needs to know about the symbols.
 *
 * Registers follow OVN's overlap (ovn-architecture(7)): xxreg0 is the 128
 * bits reg0:reg1:reg2:reg3 with reg0 most significant, xreg0 = xxreg0[64..127]
 * = reg0:reg1, xreg1 = reg2:reg3, xxreg1 = reg4..reg7 likewise, and xreg4 =
 * reg8:reg9 is a base field of its own.  So the register base fields are
 * MFF_XXREG0, MFF_XXREG1 and MFF_XREG4, and regN/xregN are subfields.
 *
 * Bit 0 of a field is its least significant bit, in the host-order value
 * (an IPv4 address 10.0.0.1 is 0x0a000001).
 */
#ifndef __OVNBPF_LOADER_FIELDS_H
#define __OVNBPF_LOADER_FIELDS_H

#include <stdbool.h>

enum mf_field_id {
	MFF_NONE,		/* not a field (is_chassis_resident clauses) */

	/* logical metadata (ovn-architecture(7) "Logical fields") */
	MFF_LOG_INPORT,		/* inport: port name, key in reg14 */
	MFF_LOG_OUTPORT,	/* outport: port name, key in reg15 */
	MFF_LOG_FLAGS,		/* flags (reg10), MLF_* bits */
	MFF_XXREG0,		/* reg0..reg3 */
	MFF_XXREG1,		/* reg4..reg7 */
	MFF_XREG4,		/* reg8..reg9 */

	/* conntrack */
	MFF_CT_STATE,		/* ct.* bits (CS_*_BIT) */
	MFF_CT_MARK,
	MFF_CT_LABEL,

	/* packet */
	MFF_ETH_SRC,
	MFF_ETH_DST,
	MFF_ETH_TYPE,
	MFF_VLAN_TCI,
	MFF_IP_PROTO,
	MFF_IP_DSCP,		/* the 6-bit DSCP, shifted down */
	MFF_IP_ECN,
	MFF_IP_TTL,
	MFF_IP_FRAG,		/* bit 0 is-fragment, bit 1 later-fragment */
	MFF_IPV4_SRC,
	MFF_IPV4_DST,
	MFF_IPV6_SRC,
	MFF_IPV6_DST,
	MFF_IPV6_LABEL,
	MFF_ICMPV4_TYPE,
	MFF_ICMPV4_CODE,
	MFF_ICMPV6_TYPE,
	MFF_ICMPV6_CODE,
	MFF_ARP_OP,		/* also RARP */
	MFF_ARP_SPA,
	MFF_ARP_TPA,
	MFF_ARP_SHA,
	MFF_ARP_THA,
	MFF_ND_TARGET,
	MFF_ND_SLL,
	MFF_ND_TLL,
	MFF_TCP_SRC,
	MFF_TCP_DST,
	MFF_TCP_FLAGS,
	MFF_UDP_SRC,
	MFF_UDP_DST,
	MFF_SCTP_SRC,
	MFF_SCTP_DST,
	MFF_PKT_MARK,

	/* OVN-only fields of generated packets (actions only) */
	MFF_ICMP4_FRAG_MTU,
	MFF_ICMP6_FRAG_MTU,

	MFF_N_IDS
};

/* MFF_LOG_FLAGS bits (OVN's MLF_*_BIT). */
enum mlf_bits {
	MLF_ALLOW_LOOPBACK_BIT = 0,
	MLF_RCV_FROM_RAMP_BIT = 1,
	MLF_FORCE_SNAT_FOR_DNAT_BIT = 2,
	MLF_FORCE_SNAT_FOR_LB_BIT = 3,
	MLF_LOCAL_ONLY_BIT = 4,
	MLF_NESTED_CONTAINER_BIT = 5,
	MLF_LOOKUP_MAC_BIT = 6,
	MLF_LOOKUP_LB_HAIRPIN_BIT = 7,
	MLF_LOOKUP_FDB_BIT = 8,
	MLF_SKIP_SNAT_FOR_LB_BIT = 9,
	MLF_LOCALPORT_BIT = 10,
	MLF_USE_SNAT_ZONE_BIT = 11,
	MLF_CHECK_PORT_SEC_BIT = 12,
	MLF_LOOKUP_COMMIT_ECMP_NH_BIT = 13,
	MLF_USE_LB_AFF_SESSION_BIT = 14,
	MLF_LOCALNET_BIT = 15,		/* OVN >= 23.03.2 */
	MLF_FROM_CTRL_BIT = 16,		/* OVN >= 23.03.2 */
};

/* MFF_CT_STATE bits (OVS's CS_*_BIT). */
enum cs_bits {
	CS_NEW_BIT = 0,
	CS_ESTABLISHED_BIT = 1,
	CS_RELATED_BIT = 2,
	CS_REPLY_DIR_BIT = 3,
	CS_INVALID_BIT = 4,
	CS_TRACKED_BIT = 5,
	CS_SRC_NAT_BIT = 6,
	CS_DST_NAT_BIT = 7,
};

/* ct_mark / ct_label bits OVN uses (OVN_CT_*). */
enum ovn_ct_bits {
	OVN_CT_BLOCKED_BIT = 0,
	OVN_CT_NATTED_BIT = 1,
	OVN_CT_LB_SKIP_SNAT_BIT = 2,
	OVN_CT_LB_FORCE_SNAT_BIT = 3,
	OVN_CT_ECMP_ETH_1ST_BIT = 32,
	OVN_CT_ECMP_ETH_END_BIT = 79,
};

struct mf_field {
	enum mf_field_id id;
	const char *name;	/* the OVN symbol naming the whole field */
	unsigned int n_bits;	/* 0 for the string fields inport/outport */
	bool maskable;		/* bitwise matching allowed (ordinal) */
	bool writable;		/* actions may assign it */
};

/* The base field 'id' (NULL if out of range). */
const struct mf_field *mf_from_id(enum mf_field_id id);

#endif /* __OVNBPF_LOADER_FIELDS_H */
