@echo off
rem Run the whole test suite with the same self-set-up as start-backend.bat (installs
rem requirements-dev.txt, the test-only packages). Arguments go to pytest, e.g.
rem   run-tests.bat -m "not slow"
rem Double-clicked in Explorer, the window stays open so the results can be read (NO_PAUSE=1 turns
rem that off). PowerShell: .\run-tests.bat
setlocal
call :clicked
rem pushd, not cd: a network share (\\server\share) gets a drive letter for the run.
pushd "%~dp0"
if not exist "scripts\bootstrap.bat" goto :not_unpacked
set "REQUIREMENTS=requirements-dev.txt"
call scripts\bootstrap.bat
if not "%ERRORLEVEL%"=="0" goto :failed
"%VENV_PYTHON%" -m pytest %*
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
