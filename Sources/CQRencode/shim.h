// libqrencode (Debian's libqrencode-dev): QR codes for the printable stamp sheets.
#include <qrencode.h>
