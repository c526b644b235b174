; SPDX-License-Identifier: GPL-3.0-or-later
; SPDX-FileCopyrightText: 2026 The pipecalc developers
;
; pipecalc's Windows installer, built by tools/windows/package.sh with
; Debian's makensis:
;   makensis -DVERSION=0.1.0 -DICON=pipecalc.ico -DFILES=files.nsh
;            -DUNFILES=unfiles.nsh -DSIZE_KB=N -DOUTFILE=setup.exe pipecalc.nsi
; FILES and UNFILES list the bundle's files and folders
; (tools/windows/bundle.sh) one by one, so the uninstaller removes exactly
; what the installer put there and nothing a user added.
;
; Per user, without administrator rights: the programs go to
; %LOCALAPPDATA%\Programs\pipecalc, the shortcut to the user's Start menu,
; the uninstaller's entry ("Apps & features") under HKCU. /S installs and
; uninstalls silently.

Unicode true
; Debian's makensis makes a 32-bit stub by default, which a 64-bit-only
; Windows (or wine64) cannot start.
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user

!define APP pipecalc
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"

Name "pipecalc ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show

!include "MUI2.nsh"
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\bin\pipecalc.exe"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Russian"

; The pages speak Russian on a Russian Windows (NSIS picks the language
; of the user's UI among those inserted), English otherwise.
Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "pipecalc"
  SetOutPath "$INSTDIR"
  !include "${FILES}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\pipecalc.lnk" "$INSTDIR\bin\pipecalc.exe" "" \
    "$INSTDIR\bin\pipecalc.exe" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "pipecalc"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\bin\pipecalc.exe,0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "The pipecalc developers"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" ${SIZE_KB}
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; Files one by one, then each folder only if it is empty now: whatever
  ; else a user put in the installation folder stays.
  !include "${UNFILES}"
  Delete "$SMPROGRAMS\pipecalc.lnk"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
