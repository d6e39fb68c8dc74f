package sheet

import (
	"time"

	"coupatui/vocab"
)

// Outcome is what became of one PO, as the results workbook shows it.
type Outcome struct {
	Status     vocab.Status // "" is written as PENDING
	Supplier   string       // SUPPLIER
	Found      int          // ATTACHMENTS_FOUND
	Downloaded int          // ATTACHMENTS_DOWNLOADED
	Files      []string     // AttachmentName: names joined with "; "
	Processed  time.Time    // LAST_PROCESSED, a date-time in local time; zero → blank
	Error      string       // ERROR_MESSAGE
	Folder     string       // DOWNLOAD_FOLDER
	URL        string       // COUPA_URL
	Converted  []string     // CONVERTED: per e-mail file, its PDF or why there is none; joined with "; "
}

// The outcome columns of the results workbook, always present, in this
// order after the input's own columns.
const (
	ColPONumber    = "PO_NUMBER"
	ColStatus      = "STATUS"
	ColSupplier    = "SUPPLIER"
	ColFound       = "ATTACHMENTS_FOUND"
	ColDownloaded  = "ATTACHMENTS_DOWNLOADED"
	ColFiles       = "AttachmentName"
	ColProcessed   = "LAST_PROCESSED"
	ColError       = "ERROR_MESSAGE"
	ColFolder      = "DOWNLOAD_FOLDER"
	ColURL         = "COUPA_URL"
	ColConverted   = "CONVERTED"
	filesSeparator = "; "
)

// ResultColumns lists the outcome columns in workbook order. CONVERTED
// came last, so the columns before it keep their places.
var ResultColumns = []string{ColPONumber, ColStatus, ColSupplier, ColFound, ColDownloaded,
	ColFiles, ColProcessed, ColError, ColFolder, ColURL, ColConverted}

// resultCount is len(ResultColumns), as an array length.
const resultCount = 11
