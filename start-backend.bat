@echo off
rem Start the shop backend on a fresh clone: creates .venv, installs requirements.txt (or
rem requirements-postgres.txt when DATABASE_URL is set; again only when it changed), copies
rem .env.example to .env if missing, then runs "python -m backend". Stop it with Ctrl+C.
rem Double-clicked in Explorer, the window stays open at the end so its messages can be read
rem (NO_PAUSE=1 turns that off). PowerShell: .\start-backend.bat
setlocal
call :clicked
rem pushd, not cd: a network share (\\server\share) gets a drive letter for the run.
pushd "%~dp0"
if not exist "scripts\bootstrap.bat" goto :not_unpacked
call scripts\bootstrap.bat
if not "%ERRORLEVEL%"=="0" goto :failed
"%VENV_PYTHON%" -m backend %*
set "CODE=%ERRORLEVEL%"
popd
if defined CLICKED pause
exit /b %CODE%

:not_unpacked
echo The project files are not next to this script (requirements.txt, backend/): run it from the unpacked project folder (a ZIP must be extracted first: right-click, Extract All).
:failed
popd
if defined CLICKED pause
exit /b 1

:clicked
rem CLICKED=1 when double-clicked in Explorer: cmd.exe was started with /c for this script, so
rem the window closes when it ends. Never in CI or with NO_PAUSE set.
set "CLICKED="
if defined CI exit /b 0
if defined NO_PAUSE exit /b 0
setlocal EnableDelayedExpansion
set "LAUNCH=!cmdcmdline!"
if not defined LAUNCH (endlocal & exit /b 0)
if /i "!LAUNCH:/c =!"=="!LAUNCH!" (endlocal & exit /b 0)
endlocal & set "CLICKED=1"
exit /b 0
