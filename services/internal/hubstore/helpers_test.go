package hubstore

import (
	"encoding/hex"
	"strings"
)

func hexEncode(b []byte) string     { return hex.EncodeToString(b) }
func contains(s, sub string) bool   { return strings.Contains(s, sub) }
func startsWith(s, pre string) bool { return strings.HasPrefix(s, pre) }
