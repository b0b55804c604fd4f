package contentrules

import (
	"fmt"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// detailsOneof is ContentItem's details oneof: one message per kind that
// has details (see detailsField for which kind carries which).
var detailsOneof = (&pb.ContentItem{}).ProtoReflect().Descriptor().Oneofs().ByName("details")

// Details returns the details an item carries (a *pb.LegalDocument,
// *pb.PublicService, ...), or nil when it carries none.
func Details(it *pb.ContentItem) proto.Message {
	m := it.ProtoReflect()
	fd := m.WhichOneof(detailsOneof)
	if fd == nil {
		return nil
	}
	return m.Get(fd).Message().Interface()
}

// SetDetails makes d the details of it: d must be one of the messages of
// ContentItem's details oneof; nil (or a typed nil) clears the details. It
// does not check that d belongs to it's kind: validation does
// (DETAILS_MISMATCH).
func SetDetails(it *pb.ContentItem, d proto.Message) error {
	m := it.ProtoReflect()
	if d == nil || !d.ProtoReflect().IsValid() {
		if fd := m.WhichOneof(detailsOneof); fd != nil {
			m.Clear(fd)
		}
		return nil
	}
	name := d.ProtoReflect().Descriptor().FullName()
	fields := detailsOneof.Fields()
	for i := 0; i < fields.Len(); i++ {
		if fd := fields.Get(i); fd.Message().FullName() == name {
			m.Set(fd, protoreflect.ValueOfMessage(d.ProtoReflect()))
			return nil
		}
	}
	return fmt.Errorf("%s is not one of the details of a content item", name)
}
