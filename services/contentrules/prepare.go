// Package contentrules provides the hub's rules for a pushed content item:
// validation against the limits of content.proto and the reason codes of
// docs/ARCHITECTURE.md, Unicode NFC normalisation, HTML sanitising, the
// canonical form and its hash, the gRPC status errors that refuse a push,
// and a gRPC codec that lets invalid UTF-8 reach validation instead of
// failing the call with INTERNAL. Everything here is a pure function; the
// store and the server decide what to do with the result.
package contentrules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Prepared is a push in the hub's canonical form.
type Prepared struct {
	// Item is a normalised copy of the pushed item: unknown fields dropped,
	// every string NFC, body_html sanitised, translations sorted vi, en, ru.
	// Titles and summaries are plain text and are kept as pushed (apart from
	// NFC): whoever renders them must escape them.
	Item *pb.ContentItem
	// Hash is the SHA-256 of the deterministic protobuf encoding of Item.
	Hash [32]byte
	// Sanitized lists, per body_html field the sanitiser changed, what it
	// removed. Empty when nothing was removed.
	Sanitized []*pb.SanitizerRemoval
}

// Limits of content.proto, in code points after NFC unless said otherwise.
const (
	MaxContentID      = 100
	MaxSlug           = 200
	MaxTitle          = 300
	MaxSummary        = 1000
	MaxBodyHTMLBytes  = 1 << 20 // bytes, after sanitising
	MaxAttachments    = 20
	MaxAuthors        = 20
	MaxOfficials      = 200
	MaxPersonName     = 200
	MaxFilename       = 255
	MaxAttachmentText = 300
	MaxReason         = 1000
	MaxOtherString    = 2000
)

// Prepare validates, normalises and sanitises a pushed item and computes its
// hash. It never changes item. cats is the hub's category list (see
// Categories; nil accepts every non-empty code with every kind).
//
// The steps, in order: clone; drop unknown fields (recursively); NFC every
// string; refuse any string holding U+FFFD (INVALID_UTF8: the Codec puts it
// where the wire had invalid UTF-8) and any string over its length limit;
// check every rule of the item; sanitise each body_html and check its size;
// sort translations by locale in the order vi, en, ru; hash.
//
// When the item breaks any rule, Prepare returns a nil *Prepared and an
// INVALID_ARGUMENT status error (see InvalidArgument) listing every
// violation, each with its field path (e.g. "item.translations[vi].title",
// "item.attachments[2].sha256").
func Prepare(item *pb.ContentItem, cats Categories) (*Prepared, error) {
	p, vs, err := prepare(item, cats)
	if err != nil {
		return nil, err
	}
	if len(vs) > 0 {
		return nil, InvalidArgument(vs)
	}
	return p, nil
}

// prepare is Prepare with the violations as a list: the prepared push when
// there are none.
func prepare(item *pb.ContentItem, cats Categories) (*Prepared, []Violation, error) {
	if item == nil {
		return nil, []Violation{violation("item", ReasonRequired, "the item is missing", "Thiếu nội dung cần đăng")}, nil
	}
	it := proto.Clone(item).(*pb.ContentItem)
	dropUnknown(it.ProtoReflect())

	var vs []Violation
	visitStrings(it.ProtoReflect(), "item", func(path string, fd protoreflect.FieldDescriptor, s string) string {
		if !norm.NFC.IsNormalString(s) {
			s = norm.NFC.String(s)
		}
		if strings.ContainsRune(s, utf8.RuneError) {
			vs = append(vs, violation(path, ReasonInvalidUTF8,
				"text is not valid UTF-8 (or contains the replacement character U+FFFD)",
				capitalise(labelVI(fd, path))+" chứa byte không phải UTF-8 hợp lệ (hoặc ký tự thay thế U+FFFD)"))
		}
		if max := maxRunes(fd); max > 0 {
			if n := utf8.RuneCountInString(s); n > max {
				vs = append(vs, violation(path, ReasonTooLong,
					fmt.Sprintf("%d characters after NFC, limit %d", n, max),
					fmt.Sprintf("%s dài quá %d ký tự", capitalise(labelVI(fd, path)), max)))
			}
		}
		return s
	})

	vs = append(vs, validate(it, cats)...)

	var removals []*pb.SanitizerRemoval
	for i, tr := range it.GetTranslations() {
		path := translationPath(it.GetTranslations(), i) + ".body_html"
		clean, removed := sanitizeHTML(tr.GetBodyHtml())
		tr.BodyHtml = clean
		if len(removed) > 0 {
			removals = append(removals, &pb.SanitizerRemoval{Field: path, Removed: removed})
		}
		if n := len(clean); n > MaxBodyHTMLBytes {
			vs = append(vs, violation(path, ReasonTooLarge,
				fmt.Sprintf("%d bytes after sanitising, limit %d (1 MiB)", n, MaxBodyHTMLBytes),
				fmt.Sprintf("Nội dung HTML vượt quá 1 MiB (%d byte sau khi làm sạch)", n)))
		}
	}

	if len(vs) > 0 {
		return nil, vs, nil
	}

	slices.SortStableFunc(it.Translations, func(a, b *pb.Translation) int {
		return localeRank(a.GetLocale()) - localeRank(b.GetLocale())
	})
	h, err := hashItem(it)
	if err != nil {
		return nil, nil, fmt.Errorf("hash item %s: %w", it.GetContentId(), err)
	}
	return &Prepared{Item: it, Hash: h, Sanitized: removals}, nil, nil
}

// HashHex returns h in lower-case hex.
func HashHex(h [32]byte) string { return hex.EncodeToString(h[:]) }

// RedirectsToItself reports whether a prepared REDIRECTED item names itself
// as its successor, given the tenant its credential belongs to (Prepare
// cannot know it). The server refuses such a push with INVALID_SUCCESSOR
// on field "item.unpublishing.successor".
func (p *Prepared) RedirectsToItself(tenant string) bool {
	s := p.Item.GetUnpublishing().GetSuccessor()
	return p.Item.GetState() == pb.PublicationState_PUBLICATION_STATE_REDIRECTED &&
		s != nil && s.GetTenant() == tenant && s.GetContentId() == p.Item.GetContentId()
}

// HashItem is the content hash of a prepared item that the hub changed
// itself (a merge gives it a new content id or slug).
func HashItem(it *pb.ContentItem) ([32]byte, error) { return hashItem(it) }

func hashItem(it *pb.ContentItem) ([32]byte, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(it)
	if err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(b), nil
}

// localeRank orders translations vi, en, ru (then anything else, which
// validation has refused already).
func localeRank(l string) int {
	switch l {
	case "vi":
		return 0
	case "en":
		return 1
	case "ru":
		return 2
	}
	return 3
}

// dropUnknown clears the unknown fields of m and of every message in it.
func dropUnknown(m protoreflect.Message) {
	if m.GetUnknown() != nil {
		m.SetUnknown(nil)
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					dropUnknown(mv.Message())
					return true
				})
			}
		case fd.IsList():
			if fd.Message() != nil {
				l := v.List()
				for i := 0; i < l.Len(); i++ {
					dropUnknown(l.Get(i).Message())
				}
			}
		case fd.Message() != nil:
			dropUnknown(v.Message())
		}
		return true
	})
}

// visitStrings calls fn for every non-empty string field of m (recursively,
// in field-number order so that violations come out in a stable order) with
// its path, and stores what fn returns.
func visitStrings(m protoreflect.Message, path string, fn func(path string, fd protoreflect.FieldDescriptor, s string) string) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if !m.Has(fd) {
			continue
		}
		p := path + "." + string(fd.Name())
		switch {
		case fd.IsMap():
			mp := m.Mutable(fd).Map()
			mp.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
				kp := fmt.Sprintf("%s[%v]", p, k.Interface())
				switch {
				case fd.MapValue().Kind() == protoreflect.StringKind:
					if s := v.String(); s != "" {
						if ns := fn(kp, fd.MapValue(), s); ns != s {
							mp.Set(k, protoreflect.ValueOfString(ns))
						}
					}
				case fd.MapValue().Message() != nil:
					visitStrings(v.Message(), kp, fn)
				}
				return true
			})
		case fd.IsList():
			l := m.Mutable(fd).List()
			for j := 0; j < l.Len(); j++ {
				switch {
				case fd.Kind() == protoreflect.StringKind:
					s := l.Get(j).String()
					if ns := fn(fmt.Sprintf("%s[%d]", p, j), fd, s); ns != s {
						l.Set(j, protoreflect.ValueOfString(ns))
					}
				case fd.Message() != nil:
					ep := fmt.Sprintf("%s[%d]", p, j)
					if fd.FullName() == translationsField {
						ep = translationPathAt(l, j)
					}
					visitStrings(l.Get(j).Message(), ep, fn)
				}
			}
		case fd.Kind() == protoreflect.StringKind:
			s := m.Get(fd).String()
			if ns := fn(p, fd, s); ns != s {
				m.Set(fd, protoreflect.ValueOfString(ns))
			}
		case fd.Message() != nil:
			visitStrings(m.Mutable(fd).Message(), p, fn)
		}
	}
}

const translationsField protoreflect.FullName = "portalhub.v1.ContentItem.translations"

// translationPath names a translation by its locale when that is one of
// the hub's locales, else by its index: "item.translations[vi]",
// "item.translations[3]".
func translationPath(trs []*pb.Translation, i int) string {
	if l := trs[i].GetLocale(); knownLocale(l) {
		return "item.translations[" + l + "]"
	}
	return fmt.Sprintf("item.translations[%d]", i)
}

func translationPathAt(l protoreflect.List, i int) string {
	tr := l.Get(i).Message().Interface().(*pb.Translation)
	if loc := tr.GetLocale(); knownLocale(loc) {
		return "item.translations[" + loc + "]"
	}
	return fmt.Sprintf("item.translations[%d]", i)
}

func knownLocale(l string) bool { return slices.Contains(locales, l) }

// locales are the hub's locales, in the order the portal lists them.
var locales = []string{"vi", "en", "ru"}

// maxRunes is the length limit of a string field in code points, or 0 for
// body_html, whose limit is in bytes after sanitising.
func maxRunes(fd protoreflect.FieldDescriptor) int {
	switch fd.FullName() {
	case "portalhub.v1.Translation.body_html":
		return 0
	case "portalhub.v1.ContentItem.content_id", "portalhub.v1.ContentRef.content_id":
		return MaxContentID
	case "portalhub.v1.Translation.slug":
		return MaxSlug
	case "portalhub.v1.Translation.title", "portalhub.v1.Attachment.title":
		return MaxTitle
	case "portalhub.v1.Translation.summary", "portalhub.v1.Unpublishing.reason":
		return MaxSummary
	case "portalhub.v1.Person.name", "portalhub.v1.Person.account":
		return MaxPersonName
	case "portalhub.v1.Attachment.filename":
		return MaxFilename
	case "portalhub.v1.QuestionAnswer.question":
		return MaxQuestion
	case "portalhub.v1.LegalDocument.issuer_code", "portalhub.v1.LegalRelation.target_number", "portalhub.v1.DatasetChart.unit":
		return MaxShortCode
	}
	return MaxOtherString
}

func violation(field, reason, en, vi string) Violation {
	return Violation{Field: field, Reason: reason, Description: en, MessageVI: vi}
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}
