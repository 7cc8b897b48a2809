; PSP Desktop: Windows installer (NSIS 3, Modern UI 2), in Simplified Chinese and English.
;
;   makensis /DVERSION=<psp_desktop.__version__> /DSOURCE=<PyInstaller one-folder output> psp-desktop.nsi
;
; Relative paths are taken from this file's folder. The installer lands beside SOURCE (dist\ for
; dist\psp-desktop) as psp-desktop-<version>-windows-x64-installer.exe, or in /DOUTDIR=<folder>.
; The file is UTF-8 with a byte order mark so makensis reads the Chinese strings as UTF-8 on any system.
;
; Per-machine install (Program Files, administrator rights): office PCs are shared by several staff accounts and
; managed by IT, who install software for everyone; a program in Program Files cannot be altered by a user account.
; Each user's data stays in their own %LOCALAPPDATA%\PSPDesktop (psp_desktop/paths.py, platformdirs).

Unicode true
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel admin

!ifndef VERSION
  !error "Pass the version: makensis /DVERSION=<psp_desktop.__version__> /DSOURCE=<folder> psp-desktop.nsi"
!endif
!ifndef SOURCE
  !error "Pass the PyInstaller output folder: makensis /DVERSION=<version> /DSOURCE=<dist\psp-desktop> psp-desktop.nsi"
!endif
!if ! /FileExists "${SOURCE}\psp-desktop.exe"
  !error "${SOURCE}\psp-desktop.exe not found: /DSOURCE must be the PyInstaller one-folder output"
!endif
!define /ifndef OUTDIR "${SOURCE}\.."

; VIProductVersion needs four numbers: 0.9.0 -> 0.9.0.0 (pass /DVERSION_QUAD=a.b.c.d for a pre-release)
!ifndef VERSION_QUAD
  !searchparse /noerrors "${VERSION}" "" V_MAJOR "." V_MINOR "." V_PATCH
  !define VERSION_QUAD "${V_MAJOR}.${V_MINOR}.${V_PATCH}.0"
!endif

!define APP_NAME "PSP Desktop"
!define APP_EXE "psp-desktop.exe"
!define /ifndef PUBLISHER "PSP Desktop"
; platformdirs' user data directory for APP_NAME in psp_desktop/paths.py (check_nsis.sh checks they agree)
!define /ifndef DATA_DIR_NAME "PSPDesktop"
!define UNINST_EXE "uninstall.exe"
; A 32-bit installer (the usual NSIS stubs) writes to the 32-bit registry view; Add/Remove Programs lists both
; views, and InstallDirRegKey and the remembered language read the same view back.
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\PSPDesktop"
!define SM_FOLDER "$SMPROGRAMS\${APP_NAME}"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTDIR}\psp-desktop-${VERSION}-windows-x64-installer.exe"
InstallDir "$PROGRAMFILES64\${APP_NAME}"
InstallDirRegKey HKLM "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${VERSION}"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "Sections.nsh"
!include "x64.nsh"

Var DataDir

; ---- Modern UI ----------------------------------------------------------------------------------------------------

!if /FileExists "${__FILEDIR__}\..\..\resources\icons\psp-desktop.ico"
  !define MUI_ICON "${__FILEDIR__}\..\..\resources\icons\psp-desktop.ico"
!endif
!define MUI_ABORTWARNING
!define MUI_UNABORTWARNING
!define MUI_LANGDLL_ALLLANGUAGES
!define MUI_LANGDLL_WINDOWTITLE "安装语言 / Installer Language"
!define MUI_LANGDLL_INFO "请选择语言。 / Please select a language."
!define MUI_LANGDLL_REGISTRY_ROOT HKLM
!define MUI_LANGDLL_REGISTRY_KEY "${UNINST_KEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "Installer Language"

!insertmacro MUI_PAGE_WELCOME
!define MUI_PAGE_CUSTOMFUNCTION_LEAVE DirectoryLeave
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
; No "run now" box: the installer runs elevated, and the app started from it would run as the administrator and
; keep its data in the administrator's folder.
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!define MUI_COMPONENTSPAGE_TEXT_TOP "$(UnComponentsTop)"
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default when Windows' own language is neither.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

; ---- Texts of our own (NSIS translates its standard ones, including file write errors) -----------------------------

LangString NeedX64 ${LANG_SIMPCHINESE} "${APP_NAME} 需要 64 位 Windows（Windows 10 或更新版本）。"
LangString NeedX64 ${LANG_ENGLISH} "${APP_NAME} needs 64-bit Windows (Windows 10 or later)."
LangString DirNotEmpty ${LANG_SIMPCHINESE} "文件夹 $INSTDIR 不是空的，也不是已安装的 ${APP_NAME}。$\r$\n请选择一个空文件夹或新文件夹。"
LangString DirNotEmpty ${LANG_ENGLISH} "The folder $INSTDIR is not empty and holds no installed ${APP_NAME}.$\r$\nChoose an empty or new folder."
LangString DirNotWritable ${LANG_SIMPCHINESE} "无法写入文件夹 $INSTDIR。$\r$\n请选择您有写入权限的文件夹，或以管理员身份运行安装程序。"
LangString DirNotWritable ${LANG_ENGLISH} "Cannot write to the folder $INSTDIR.$\r$\nChoose a folder you may write to, or run the installer as an administrator."
LangString ShortcutDemo ${LANG_SIMPCHINESE} "${APP_NAME} 演示"
LangString ShortcutDemo ${LANG_ENGLISH} "${APP_NAME} Demo"
LangString ShortcutUninstall ${LANG_SIMPCHINESE} "卸载 ${APP_NAME}"
LangString ShortcutUninstall ${LANG_ENGLISH} "Uninstall ${APP_NAME}"
LangString UnSecProgram ${LANG_SIMPCHINESE} "程序"
LangString UnSecProgram ${LANG_ENGLISH} "Program"
LangString UnSecData ${LANG_SIMPCHINESE} "同时删除我的数据"
LangString UnSecData ${LANG_ENGLISH} "Also delete my data"
LangString UnSecProgramDesc ${LANG_SIMPCHINESE} "删除 ${APP_NAME} 程序文件、开始菜单和桌面快捷方式。"
LangString UnSecProgramDesc ${LANG_ENGLISH} "Removes the ${APP_NAME} program files and its Start menu and desktop shortcuts."
LangString UnSecDataDesc ${LANG_SIMPCHINESE} "警告：永久删除 %LOCALAPPDATA%\${DATA_DIR_NAME} 中的数据库、附件、密钥和设置，无法恢复。请先备份。"
LangString UnSecDataDesc ${LANG_ENGLISH} "Warning: permanently deletes the database, attachments, keys and settings in %LOCALAPPDATA%\${DATA_DIR_NAME}. They cannot be recovered. Back up first."
LangString UnComponentsTop ${LANG_SIMPCHINESE} "您的数据默认保留。只有勾选“同时删除我的数据”才会删除它（无法恢复）。"
LangString UnComponentsTop ${LANG_ENGLISH} "Your data is kept. It is deleted, beyond recovery, only if you tick $\"Also delete my data$\"."
LangString UnConfirmData ${LANG_SIMPCHINESE} "确定要永久删除以下文件夹中的全部数据吗？$\r$\n$DataDir$\r$\n$\r$\n数据库、附件、密钥和设置都将被删除，无法恢复。"
LangString UnConfirmData ${LANG_ENGLISH} "Permanently delete all data in this folder?$\r$\n$DataDir$\r$\n$\r$\nThe database, attachments, keys and settings will be deleted and cannot be recovered."
LangString UnDataKept ${LANG_SIMPCHINESE} "已保留数据：$DataDir"
LangString UnDataKept ${LANG_ENGLISH} "Data kept: $DataDir"
LangString UnDataNotDeleted ${LANG_SIMPCHINESE} "部分数据无法删除（程序是否仍在运行？）：$DataDir"
LangString UnDataNotDeleted ${LANG_ENGLISH} "Some data could not be deleted (is the program still running?): $DataDir"

VIProductVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${APP_NAME} ${VERSION} installer"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "${PUBLISHER}"

; ---- Installer -----------------------------------------------------------------------------------------------------

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "$(NeedX64)" /SD IDOK
    SetErrorLevel 2
    Abort
  ${EndIf}
  SetShellVarContext all
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

; Sets $0 to "" when $INSTDIR may be used, else to the message saying why not. The uninstaller removes the
; whole install folder, so a folder that already holds other things is refused.
Function CheckInstallDir
  StrCpy $0 ""
  ${DirState} "$INSTDIR" $1
  ${If} $1 == 1
  ${AndIfNot} ${FileExists} "$INSTDIR\${APP_EXE}"
    StrCpy $0 "$(DirNotEmpty)"
    Return
  ${EndIf}
  ClearErrors
  CreateDirectory "$INSTDIR"
  FileOpen $2 "$INSTDIR\.psp-write-test" w
  ${If} ${Errors}
    StrCpy $0 "$(DirNotWritable)"
  ${Else}
    FileClose $2
    Delete "$INSTDIR\.psp-write-test"
  ${EndIf}
  ${If} $1 == -1
    RMDir "$INSTDIR" ; only made for the test (RMDir leaves a folder that is not empty)
  ${EndIf}
FunctionEnd

Function DirectoryLeave
  Call CheckInstallDir
  ${If} $0 != ""
    MessageBox MB_OK|MB_ICONSTOP "$0"
    Abort ; stays on the folder page
  ${EndIf}
FunctionEnd

Section "-Install"
  Call CheckInstallDir ; again for silent installs (/S /D=...), which skip the folder page
  ${If} $0 != ""
    DetailPrint "$0"
    MessageBox MB_OK|MB_ICONSTOP "$0" /SD IDOK
    SetErrorLevel 2
    Abort
  ${EndIf}

  SetOutPath "$INSTDIR"
  ; an upgrade replaces PyInstaller's runtime folder whole so no library of the old version is left behind
  RMDir /r "$INSTDIR\_internal"
  File /r "${SOURCE}\*.*"
  WriteUninstaller "$INSTDIR\${UNINST_EXE}"

  CreateDirectory "${SM_FOLDER}"
  CreateShortcut "${SM_FOLDER}\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}"
  CreateShortcut "${SM_FOLDER}\$(ShortcutDemo).lnk" "$INSTDIR\${APP_EXE}" "--demo"
  CreateShortcut "${SM_FOLDER}\$(ShortcutUninstall).lnk" "$INSTDIR\${UNINST_EXE}"
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}"

  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE}"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINST_EXE}"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINST_EXE}" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $1 $2 $3
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" $1 ; in KB
SectionEnd

; ---- Uninstaller ---------------------------------------------------------------------------------------------------

Function un.onInit
  !insertmacro MUI_UNGETLANGUAGE
  ; the data of the user who runs the uninstaller (the same account when an administrator confirms UAC)
  SetShellVarContext current
  StrCpy $DataDir "$LOCALAPPDATA\${DATA_DIR_NAME}"
  SetShellVarContext all
FunctionEnd

Section "!un.$(UnSecProgram)" UnSecProgram
  SectionIn RO
  Delete "$DESKTOP\${APP_NAME}.lnk"
  RMDir /r "${SM_FOLDER}"
  DeleteRegKey HKLM "${UNINST_KEY}"
  ; the installer only uses an empty folder or one holding PSP Desktop, so the whole folder is ours
  ${If} ${FileExists} "$INSTDIR\${APP_EXE}"
    RMDir /r /REBOOTOK "$INSTDIR"
  ${Else}
    Delete "$INSTDIR\${UNINST_EXE}"
    RMDir "$INSTDIR"
  ${EndIf}
SectionEnd

Section /o "un.$(UnSecData)" UnSecData
  ${IfNot} ${FileExists} "$DataDir\*.*"
    Return
  ${EndIf}
  MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "$(UnConfirmData)" /SD IDNO IDYES delete
  DetailPrint "$(UnDataKept)"
  Return
  delete:
  RMDir /r "$DataDir"
  ${If} ${FileExists} "$DataDir\*.*"
    DetailPrint "$(UnDataNotDeleted)"
    MessageBox MB_OK|MB_ICONEXCLAMATION "$(UnDataNotDeleted)" /SD IDOK
  ${EndIf}
SectionEnd

Section "-un.Report kept data"
  ${IfNot} ${SectionIsSelected} ${UnSecData}
  ${AndIf} ${FileExists} "$DataDir\*.*"
    DetailPrint "$(UnDataKept)"
  ${EndIf}
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecProgram} "$(UnSecProgramDesc)"
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecData} "$(UnSecDataDesc)"
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
