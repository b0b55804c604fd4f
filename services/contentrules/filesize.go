package contentrules

import "fmt"

// MaxFileSize is the largest file the portal takes (32 MiB): the hub's
// UploadBlob refuses a larger one from its header, the sub-portal before
// storing it.
const MaxFileSize = 32 << 20

// CheckFileSize refuses, with TOO_LARGE, a file of more than MaxFileSize
// bytes. A refusal is a *FileError about FileFieldSize.
func CheckFileSize(size uint64) error {
	if size <= MaxFileSize {
		return nil
	}
	return &FileError{Problem: FileTooLarge, Reason: ReasonTooLarge, Field: FileFieldSize,
		Description: fmt.Sprintf("the file is %d bytes; files are at most %d (32 MiB)", size, MaxFileSize),
		MessageVI:   "Tệp lớn hơn 32 MiB, dung lượng tối đa cổng nhận. Hãy nén ảnh hoặc tách tệp rồi tải lên lại."}
}
