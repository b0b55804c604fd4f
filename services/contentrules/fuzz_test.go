package contentrules

import (
	"strings"
	"testing"
	"unicode/utf8"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules/htmlcheck"
	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// The fuzz targets of the rules (issue 12 point 4). go test runs each over
// its seeds in testdata/fuzz/<name>; make fuzz explores from them for a
// bounded time (go test -fuzz=^Name$ -fuzztime=...).

// FuzzSanitize: whatever a tenant sends as a body, the stored HTML has no
// element, attribute or URL that runs script, is balanced (BalanceHTML keeps
// it as it is), and sanitising it again changes nothing, so its hash is
// stable.
func FuzzSanitize(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		out, _ := sanitizeHTML(in)
		assertInert(t, in, out)
		if got := BalanceHTML(out); got != out {
			t.Fatalf("sanitizeHTML(%q) = %q is not balanced: BalanceHTML gives %q", in, out, got)
		}
		if again, _ := sanitizeHTML(out); again != out {
			t.Fatalf("sanitizeHTML is not stable:\n in    %q\n once  %q\n twice %q", in, out, again)
		}
	})
}

// assertInert fails on anything in out, placed in a page, that can run
// script or load active content.
func assertInert(t *testing.T, in, out string) {
	t.Helper()
	if found := htmlcheck.Fragment(out); len(found) > 0 {
		t.Fatalf("sanitizeHTML(%q) = %q keeps active content: %v", in, out, found)
	}
}

// FuzzBalance: BalanceHTML's output is balanced (a second pass keeps it)
// and cannot close the element around it.
func FuzzBalance(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		out := BalanceHTML(in)
		if again := BalanceHTML(out); again != out {
			t.Fatalf("BalanceHTML is not stable:\n in    %q\n once  %q\n twice %q", in, out, again)
		}
		if !utf8.ValidString(in) {
			return
		}
		// Wrapped in a sentinel element, the fragment ends inside it: what
		// follows the sentinel's end tag is outside, as the page's footer.
		doc, err := html.Parse(strings.NewReader(`<!DOCTYPE html><html><body><main id="sentinel">` + out + `</main><footer id="after"></footer></body></html>`))
		if err != nil {
			t.Fatal(err)
		}
		if footer := findID(doc, "after"); footer == nil || footer.Parent == nil || footer.Parent.Data != "body" {
			t.Fatalf("BalanceHTML(%q) = %q swallows or moves what follows it", in, out)
		}
	})
}

func findID(n *html.Node, id string) *html.Node {
	for _, a := range n.Attr {
		if a.Key == "id" && a.Val == id {
			return n
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findID(c, id); f != nil {
			return f
		}
	}
	return nil
}

// FuzzPrepare: the push validator on an item built from arbitrary text in
// its id, slug, title, summary and body. It never panics; it accepts an item
// or refuses it with INVALID_ARGUMENT and violations that each have a
// field, a documented reason and both texts; an accepted item is NFC
// throughout, passes Check, and prepared again is the same item with the
// same hash (the canonical form is a fixed point).
func FuzzPrepare(f *testing.F) {
	known := map[string]bool{}
	for _, r := range Reasons() {
		known[r] = true
	}
	f.Fuzz(func(t *testing.T, id, slug, title, summary, body string) {
		it := article()
		it.ContentId = id
		it.Translations[0].Slug, it.Translations[0].Title, it.Translations[0].Summary, it.Translations[0].BodyHtml = slug, title, summary, body
		p, err := Prepare(it, testCategories)
		if err != nil {
			if status.Code(err) != codes.InvalidArgument {
				t.Fatalf("Prepare refused with %v, want INVALID_ARGUMENT: %v", status.Code(err), err)
			}
			vs := ViolationsOf(err)
			if len(vs) == 0 {
				t.Fatalf("refusal without violations: %v", err)
			}
			for _, v := range vs {
				if v.Field == "" || !known[v.Reason] || v.Description == "" || v.MessageVI == "" {
					t.Fatalf("violation %+v: want a field, a documented reason and both texts", v)
				}
			}
			if got := Check(it, testCategories); len(got) != len(vs) {
				t.Fatalf("Check found %d violations, Prepare %d", len(got), len(vs))
			}
			return
		}
		if vs := Check(it, testCategories); len(vs) != 0 {
			t.Fatalf("Prepare accepted, Check refuses: %+v", vs)
		}
		for _, tr := range p.Item.GetTranslations() {
			for _, s := range []string{tr.GetTitle(), tr.GetSummary(), tr.GetBodyHtml(), tr.GetSlug()} {
				if !norm.NFC.IsNormalString(s) || !utf8.ValidString(s) {
					t.Fatalf("prepared text %q is not valid NFC", s)
				}
			}
		}
		again, err := Prepare(p.Item, testCategories)
		if err != nil {
			t.Fatalf("the prepared item is refused when pushed again: %v", err)
		}
		if again.Hash != p.Hash || !proto.Equal(again.Item, p.Item) {
			t.Fatalf("prepared twice, the item changes:\n once  %v\n twice %v", p.Item, again.Item)
		}
	})
}

// FuzzCodec: the aggregator's gRPC codec on arbitrary bytes as a
// PublishRequest, then the validator, as the server runs them. The codec
// never fails (grpc-go would answer INTERNAL): either the message is marked
// undecodable, answered INVALID_ARGUMENT / INVALID_FORMAT, or it decodes to
// a message whose item Prepare accepts or refuses with a reason; a message
// that decodes re-encodes to bytes that decode to the same message.
func FuzzCodec(f *testing.F) {
	f.Fuzz(func(t *testing.T, wire []byte) {
		var req pb.PublishRequest
		if err := Codec().Unmarshal(mem.BufferSlice{mem.SliceBuffer(wire)}, &req); err != nil {
			t.Fatalf("codec failed (grpc-go would answer INTERNAL): %v", err)
		}
		if err := Undecodable(&req); err != nil {
			if status.Code(err) != codes.InvalidArgument || ReasonOf(err) != ReasonInvalidFormat {
				t.Fatalf("undecodable answered %v (%s), want INVALID_ARGUMENT INVALID_FORMAT", status.Code(err), ReasonOf(err))
			}
			return
		}
		if _, err := Prepare(req.GetItem(), testCategories); err != nil && ReasonOf(err) == "" && len(ViolationsOf(err)) == 0 {
			t.Fatalf("Prepare refused without a reason: %v", err)
		}
		out, err := Codec().Marshal(&req)
		if err != nil {
			t.Fatalf("a decoded message does not encode: %v", err)
		}
		var back pb.PublishRequest
		if err := Codec().Unmarshal(out, &back); err != nil || Undecodable(&back) != nil {
			t.Fatalf("re-encoded message does not decode: %v %v", err, Undecodable(&back))
		}
		if !proto.Equal(&req, &back) {
			t.Fatalf("round trip changed the message:\n %v\n %v", &req, &back)
		}
	})
}
