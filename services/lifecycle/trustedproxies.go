package lifecycle

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads a comma-separated list of the reverse proxies
// whose forwarding headers a server believes: IP addresses and CIDR
// prefixes (such as "10.0.0.0/8, 127.0.0.1, ::1"). IPv4-mapped addresses are
// unmapped, as HTTPS compares them.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		} else if strings.Contains(item, "/") {
			return nil, fmt.Errorf("trusted proxy %q: %w", item, err)
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an IP address or a CIDR prefix", item)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
