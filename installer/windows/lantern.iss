; Inno Setup 6 script: the Windows installer of the till bundle.
;
;   1. make bundle (on Windows: .venv\Scripts\pyinstaller --noconfirm --distpath dist
;      --workpath build\pyinstaller installer\lantern.spec)      -> dist\lantern\
;   2. iscc installer\windows\lantern.iss                         -> dist\lantern-<version>-setup.exe
;
; Installs the program folder into Program Files (or the user's programs folder, when the
; person installing chooses "only for me"), with Start-menu entries for the till and the
; demo and an uninstaller. The store's data is never in the program folder: it is in each
; user's %LOCALAPPDATA%\Lantern (the store database, its backups, printouts, reports; logs
; in %LOCALAPPDATA%\Lantern\Logs), which neither an upgrade nor the uninstaller touches.
; An upgrade installs over the old version (same AppId) and the till migrates the store
; database on its next start, after a verified backup.
;
; AppVersion must equal desktop/__init__.py's __version__ (tests/deploy/test_installer_files.py);
; `iscc /DAppVersion=x.y.z` overrides it.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Bundle "..\..\dist\lantern"

[Setup]
AppId={{5D0E3C3B-6F44-4E8B-9B0A-2F6C1B7A9E11}
AppName=Lantern 灯笼
AppVersion={#AppVersion}
AppVerName=Lantern 灯笼 {#AppVersion}
AppPublisher=Lantern
DefaultDirName={autopf}\Lantern
DefaultGroupName=Lantern 灯笼
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=lantern-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\lantern.ico
UninstallDisplayIcon={app}\lantern.exe
UninstallDisplayName=Lantern 灯笼 {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
; Simplified Chinese wizard texts, where this Inno Setup has them (an unofficial translation
; in some releases: put ChineseSimplified.isl into Inno Setup's Languages folder)
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "zh_CN"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; an upgrade replaces the program's files entirely: no file of an older version stays
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Lantern 灯笼"; Filename: "{app}\lantern.exe"; Parameters: "app"; WorkingDir: "{app}"; Comment: "The till 收银台"
Name: "{group}\Lantern demo 灯笼演示"; Filename: "{app}\lantern.exe"; Parameters: "demo"; WorkingDir: "{app}"; Comment: "The demo store 演示门店"
Name: "{group}\{cm:UninstallProgram,Lantern}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Lantern 灯笼"; Filename: "{app}\lantern.exe"; Parameters: "app"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\lantern.exe"; Parameters: "app"; Description: "{cm:LaunchProgram,Lantern}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; only what the program itself may have left in its own folder; the store's data in
; %LOCALAPPDATA%\Lantern is kept (remove it by hand only when the store closes for good)
Type: filesandordirs; Name: "{app}\_internal"
