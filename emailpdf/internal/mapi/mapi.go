// Package mapi names the property types and tags of Outlook's message
// format (MS-OXMSG, MS-OXPROPS), for the reader in emailpdf and the writer
// in emailpdf/mailtest.
package mapi

// Property types.
const (
	PtInt32   = 0x0003
	PtBool    = 0x000B
	PtSysTime = 0x0040
	PtString8 = 0x001E
	PtUnicode = 0x001F
	PtBinary  = 0x0102
	PtObject  = 0x000D
)

// Property tags.
const (
	TagMessageClass  = 0x001A
	TagSubject       = 0x0037
	TagSubmitTime    = 0x0039
	TagSentRepName   = 0x0042
	TagSentRepEmail  = 0x0065
	TagHeaders       = 0x007D
	TagRecipientType = 0x0C15
	TagSenderName    = 0x0C1A
	TagSenderEmail   = 0x0C1F
	TagDisplayCc     = 0x0E03
	TagDisplayTo     = 0x0E04
	TagDeliveryTime  = 0x0E06
	TagBody          = 0x1000
	TagHTML          = 0x1013
	TagDisplayName   = 0x3001
	TagEmailAddress  = 0x3003
	TagAttachData    = 0x3701
	TagAttachShort   = 0x3704
	TagAttachMethod  = 0x3705
	TagAttachLong    = 0x3707
	TagAttachMIME    = 0x370E
	TagAttachCID     = 0x3712
	TagAttachFlags   = 0x3714
	TagSMTPAddress   = 0x39FE
	TagInternetCPID  = 0x3FDE
	TagMessageCPID   = 0x3FFD
	TagSenderSMTP    = 0x5D01
	TagHidden        = 0x7FFE
)
