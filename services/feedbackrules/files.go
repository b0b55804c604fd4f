package feedbackrules

import (
	"slices"

	"github.com/portalhub/portalhub/services/contentrules"
)

// Attachments of a question (issue 9 point 1): images and PDF, a few and
// small, under the hub's file rules (contentrules.DetectFile: the type read
// from the content, the one the name promises). They are personal data:
// staff of the answering agency see them, the public never.
const (
	MaxFiles     = 3
	MaxFileBytes = 1 << 20
)

// FileTypes are the media types a question may attach.
var FileTypes = []string{contentrules.MediaPDF, contentrules.MediaJPEG, contentrules.MediaPNG, contentrules.MediaWebP}

// File is an attached file as the visitor sent it.
type File struct {
	Name string
	Data []byte
}

// Problem codes of attachments (field "attachments").
const (
	TooMany   = "too_many"   // more than MaxFiles
	TooLarge  = "too_large"  // a file over MaxFileBytes
	FileType  = "file_type"  // not an image or PDF, or not what its name says
	FileEmpty = "file_empty" // an empty file
)

// FileMediaType returns the media type of f under the hub's file rules, or
// the problem code that refuses it.
func FileMediaType(f File) (string, string) {
	switch {
	case len(f.Data) == 0:
		return "", FileEmpty
	case len(f.Data) > MaxFileBytes:
		return "", TooLarge
	}
	mt, err := contentrules.DetectFile(f.Name, f.Data)
	if err != nil || !slices.Contains(FileTypes, mt) {
		return "", FileType
	}
	return mt, ""
}

// CheckFiles adds the problems of files to add (one per kind of problem):
// a question's attachments, and an answer's.
func CheckFiles(files []File, add func(field, code string)) {
	if len(files) > MaxFiles {
		add("attachments", TooMany)
		return
	}
	for _, f := range files {
		if _, code := FileMediaType(f); code != "" {
			add("attachments", code)
			return
		}
	}
}
