package events

import (
	"strings"
	"testing"
)

func TestContentMsgID(t *testing.T) {
	const hashA = "f30615d5e0e554e9de8b540a8650c936fee2d1d40fda19b3fb9a5af771b953f3"
	const hashB = "0b6f9a2e4c1d83f7a5e2c9d04b7f61a38e5d2c1f0a9b8e7d6c5b4a3f2e1d0c9b"
	if got, want := ContentMsgID("so-gd", "le-hoi", 3, hashA), "so-gd/le-hoi/3/f30615d5e0e554e9"; got != want {
		t.Errorf("ContentMsgID = %q, want %q", got, want)
	}
	// Knowing the tenant, the item and the next version is not enough to
	// name the event: another content at the same version has another id.
	if a, b := ContentMsgID("so-gd", "le-hoi", 4, hashA), ContentMsgID("so-gd", "le-hoi", 4, hashB); a == b {
		t.Errorf("two contents at one version share the message id %q", a)
	}
	if id := TakedownMsgID("so-gd", "le-hoi", 3); !strings.HasPrefix(id, "so-gd/le-hoi/3/takedown") {
		t.Errorf("TakedownMsgID = %q, want it under so-gd/le-hoi/3/takedown", id)
	}
}
